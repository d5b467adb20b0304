// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Formats;
using Dumpkit.Formats.Diskdump;
using Dumpkit.Formats.Elf;
using Dumpkit.Formats.Flattened;

namespace Dumpkit.Crash;

/// <summary>The dump files of a session: which argument is a dump, and whether a split set is whole.</summary>
internal static class DumpFiles
{
    private const ushort ElfCore = 4; // ET_CORE

    /// <summary>A FIFO, socket or character device (through links), as <see cref="Cli.FileKind.Special"/> says, else null.</summary>
    public static string? SpecialKind(string path) => Cli.FileKind.Special(path);

    /// <summary>
    /// Refuses a dump path that is a FIFO, socket or character device before anything opens it (open(2) of a FIFO
    /// without a writer never returns): one line naming the file, as for a directory.
    /// </summary>
    public static void RefuseSpecial(string path)
    {
        if (SpecialKind(path) is { } kind)
            throw new DumpFormatException(path, null, $"not a supported file format ({kind}, not a regular file)");
    }

    /// <summary>
    /// True when <paramref name="path"/> is a dump by its first bytes (kdump-compressed, flattened, an ELF core), so
    /// that crash's <c>[VMLINUX] DUMPFILE...</c> can tell a vmlinux (an ELF executable) from the first part of a split set.
    /// </summary>
    public static bool LooksLikeDump(string path)
    {
        if (SpecialKind(path) is not null)
            return false;
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            Span<byte> head = stackalloc byte[64];
            int n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            head = head[..n];
            if (DiskdumpHeader.HasSignature(head) || FlattenedFormat.HasSignature(head))
                return true;
            return n >= 18 && ElfHeader.HasMagic(head) && BinaryPrimitives.ReadUInt16LittleEndian(head[16..]) == ElfCore;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// A split set must be given whole: the parts' page frame ranges must meet end to end from 0 to max_mapnr (a
    /// part of a set alone, or a set without one of its parts, is one line naming the frames no file holds).
    /// </summary>
    public static void CheckComplete(DumpReader dump, IReadOnlyList<string> paths)
    {
        if (dump is not DiskdumpReader { IsSplit: true } split || split.MissingFrames is not PfnRange gap)
            return;
        string what = paths.Count == 1 ? "is one part of a split dump" : $"are {paths.Count} of the parts of a split dump";
        throw new DumpFormatException(string.Join(' ', paths), null,
            $"{what}: page frames 0x{gap.Start:x}-0x{gap.End - 1:x} are in none of them (give every part)");
    }
}
