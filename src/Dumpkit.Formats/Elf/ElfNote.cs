// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;

namespace Dumpkit.Formats.Elf;

/// <summary>One ELF note: its name, type and the position of its descriptor inside the note area.</summary>
public readonly record struct ElfNote(string Name, uint Type, int DescOffset, int DescSize)
{
    public const uint NT_PRSTATUS = 1;
    public const uint NT_PRPSINFO = 3;
    public const uint NT_TASKSTRUCT = 4;

    /// <summary>Where the note's header starts inside the note area.</summary>
    public int Offset { get; init; }

    public ReadOnlySpan<byte> Desc(ReadOnlySpan<byte> area) => area.Slice(DescOffset, DescSize);

    /// <summary>Parse an ELF note area (4-byte aligned records), stopping at the first malformed record.</summary>
    public static List<ElfNote> Parse(ReadOnlySpan<byte> area)
    {
        var notes = new List<ElfNote>();
        int pos = 0;
        while (pos + 12 <= area.Length)
        {
            uint namesz = BinaryPrimitives.ReadUInt32LittleEndian(area[pos..]);
            uint descsz = BinaryPrimitives.ReadUInt32LittleEndian(area[(pos + 4)..]);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(area[(pos + 8)..]);
            if (namesz == 0 && descsz == 0 && type == 0)
                break; // zero padding at the end of /proc/vmcore's note segment
            long nameEnd = pos + 12L + namesz;
            long descStart = pos + 12L + Align4(namesz);
            long descEnd = descStart + descsz;
            if (nameEnd > area.Length || descEnd > area.Length)
                break;
            var nameBytes = area.Slice(pos + 12, (int)namesz);
            int nul = nameBytes.IndexOf((byte)0);
            if (nul >= 0)
                nameBytes = nameBytes[..nul];
            notes.Add(new ElfNote(Encoding.ASCII.GetString(nameBytes), type, (int)descStart, (int)descsz) { Offset = pos });
            pos = (int)Math.Min(area.Length, descStart + Align4(descsz));
        }
        return notes;
    }

    private static long Align4(uint n) => (n + 3L) & ~3L;
}
