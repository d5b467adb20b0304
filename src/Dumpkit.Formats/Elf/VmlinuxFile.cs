// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;

namespace Dumpkit.Formats.Elf;

/// <summary>
/// What identifies the kernel a vmlinux (ELF64 little endian) was built as: its GNU build id
/// (the NT_GNU_BUILD_ID note) and its release, the second word after "Linux version" in
/// <c>linux_banner</c>. Only section headers, notes, the symbol table and the banner's bytes are
/// read, each bounded, so a huge debug vmlinux costs a few megabytes.
/// </summary>
public sealed class VmlinuxFile
{
    private const uint ShtSymtab = 2;
    private const uint ShtNote = 7;
    private const uint ShtNobits = 8;
    private const uint NtGnuBuildId = 3;
    private const int ShdrSize = 64;
    private const int SymSize = 24;
    /// <summary>The most a symbol table or its strings may take (a debug vmlinux has about 10 MiB).</summary>
    public const long MaxTableBytes = 256L << 20;

    /// <summary>The build id as lower-case hex, as VMCOREINFO's BUILD-ID prints it; null without the note.</summary>
    public string? BuildId { get; private init; }

    /// <summary>The kernel release of linux_banner ("6.1.0-56-amd64"); null without the symbol.</summary>
    public string? Release { get; private init; }

    private readonly record struct Section(uint Type, ulong Addr, ulong Offset, ulong Size, uint Link);

    /// <summary>Reads <paramref name="path"/>; <see cref="DumpFormatException"/> when it is not an ELF64 LE file with sections.</summary>
    public static VmlinuxFile Read(string path)
    {
        using var f = File.OpenHandle(path);
        long length = RandomAccess.GetLength(f);
        var ehdr = new byte[ElfLayout.EhdrSize];
        if (RandomAccess.Read(f, ehdr, 0) < ehdr.Length || !ElfHeader.HasMagic(ehdr) || ehdr[4] != 2 || ehdr[5] != 1)
            throw new DumpFormatException(path, null, "not an ELF64 little-endian file");
        var h = ElfHeader.Read(ehdr);
        if (h.ShNum == 0 || h.ShEntSize < ShdrSize || h.ShOff > (ulong)length
            || (ulong)h.ShNum * h.ShEntSize > (ulong)length - h.ShOff)
            throw new DumpFormatException(path, null, "no section headers");
        var table = new byte[h.ShNum * h.ShEntSize];
        ReadExactly(f, path, table, (long)h.ShOff);
        var sections = new Section[h.ShNum];
        for (int i = 0; i < sections.Length; i++)
        {
            var s = table.AsSpan(i * h.ShEntSize);
            sections[i] = new(BinaryPrimitives.ReadUInt32LittleEndian(s[4..]), BinaryPrimitives.ReadUInt64LittleEndian(s[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(s[24..]), BinaryPrimitives.ReadUInt64LittleEndian(s[32..]),
                BinaryPrimitives.ReadUInt32LittleEndian(s[40..]));
        }
        return new VmlinuxFile { BuildId = FindBuildId(f, path, length, sections), Release = FindRelease(f, path, length, sections) };
    }

    private static string? FindBuildId(Microsoft.Win32.SafeHandles.SafeFileHandle f, string path, long length, Section[] sections)
    {
        foreach (var s in sections)
        {
            if (s.Type != ShtNote || s.Size > 1 << 20 || !Inside(s, length))
                continue;
            var area = new byte[s.Size];
            ReadExactly(f, path, area, (long)s.Offset);
            foreach (var n in ElfNote.Parse(area))
                if (n.Name == "GNU" && n.Type == NtGnuBuildId)
                    return Convert.ToHexStringLower(n.Desc(area));
        }
        return null;
    }

    private static string? FindRelease(Microsoft.Win32.SafeHandles.SafeFileHandle f, string path, long length, Section[] sections)
    {
        int symtab = Array.FindIndex(sections, s => s.Type == ShtSymtab);
        if (symtab < 0 || sections[symtab].Link >= sections.Length)
            return null;
        var sym = sections[symtab];
        var str = sections[(int)sym.Link];
        if (!Inside(sym, length) || !Inside(str, length) || sym.Size > MaxTableBytes || str.Size > MaxTableBytes)
            return null;
        var syms = new byte[sym.Size];
        var strings = new byte[str.Size];
        ReadExactly(f, path, syms, (long)sym.Offset);
        ReadExactly(f, path, strings, (long)str.Offset);
        ReadOnlySpan<byte> wanted = "linux_banner\0"u8;
        for (int i = 0; i + SymSize <= syms.Length; i += SymSize)
        {
            uint name = BinaryPrimitives.ReadUInt32LittleEndian(syms.AsSpan(i));
            if (name >= strings.Length || !strings.AsSpan((int)name).StartsWith(wanted))
                continue;
            ushort shndx = BinaryPrimitives.ReadUInt16LittleEndian(syms.AsSpan(i + 6));
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(syms.AsSpan(i + 8));
            if (shndx == 0 || shndx >= sections.Length)
                return null;
            var home = sections[shndx];
            if (home.Type == ShtNobits || value < home.Addr || value - home.Addr >= home.Size || !Inside(home, length))
                return null;
            var banner = new byte[(int)Math.Min(256UL, home.Size - (value - home.Addr))];
            ReadExactly(f, path, banner, (long)(home.Offset + value - home.Addr));
            return ReleaseOf(banner);
        }
        return null;
    }

    /// <summary>"Linux version RELEASE (...)" → RELEASE.</summary>
    public static string? ReleaseOf(ReadOnlySpan<byte> banner)
    {
        int nul = banner.IndexOf((byte)0);
        var words = Encoding.ASCII.GetString(nul >= 0 ? banner[..nul] : banner).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length >= 3 && words[0] == "Linux" && words[1] == "version" ? words[2] : null;
    }

    private static bool Inside(Section s, long length) => s.Offset <= (ulong)length && s.Size <= (ulong)length - s.Offset;

    private static void ReadExactly(Microsoft.Win32.SafeHandles.SafeFileHandle f, string path, Span<byte> buffer, long offset)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(f, buffer[done..], offset + done);
            if (n <= 0)
                throw new DumpFormatException(path, offset + done, "file ends early");
            done += n;
        }
    }
}
