// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Dumpkit.Formats;
using Dumpkit.Formats.Diskdump;
using Dumpkit.Formats.Elf;
using Dumpkit.Formats.Flattened;

namespace Dumpkit.Crash;

/// <summary>The dump files of a session: which argument is a dump, and whether a split set is whole.</summary>
internal static partial class DumpFiles
{
    private const ushort ElfCore = 4; // ET_CORE

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref byte buf);

    /// <summary>
    /// What stat(2) says a path is when it is neither a regular file, a directory nor a block device (a FIFO, socket
    /// or character device: opening one to read can block for ever, or read an endless stream), else null.
    /// st_mode lies at offset 24 of x86-64's struct stat and 16 of arm64's.
    /// </summary>
    public static string? SpecialKind(string path)
    {
        if (!OperatingSystem.IsLinux() || path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
            return null;
        var buf = new byte[256];
        if (Stat(path, ref buf[0]) != 0)
            return null;
        int at = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 16 : 24;
        return (BinaryPrimitives.ReadUInt32LittleEndian(buf.AsSpan(at)) & 0xf000) switch
        {
            0x1000 => "a FIFO",
            0xc000 => "a socket",
            0x2000 => "a character device",
            _ => null,
        };
    }

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
