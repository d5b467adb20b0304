// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Kexec;

/// <summary>What the kernel's bzImage64 probe (arch/x86/kernel/kexec-bzimage64.c) checks, done first in user space.</summary>
public static class BzImage
{
    private const int HeaderEnd = 0x268;

    /// <summary>Null when the file is a 64-bit bzImage kexec_file_load accepts, else why not.</summary>
    public static string? Check(ReadOnlySpan<byte> head, long fileLength, out uint cmdlineSize)
    {
        cmdlineSize = 2047;
        if (head.Length < 0x240 || fileLength < 0x240)
            return "too short to be a bzImage";
        if (!head.Slice(0x202, 4).SequenceEqual("HdrS"u8))
        {
            if (head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x7f, (byte)'E', (byte)'L', (byte)'F']))
                return "an ELF file (vmlinux?), not a bzImage: give the compressed kernel (vmlinuz)";
            return "not an x86 bzImage (no \"HdrS\" boot header at 0x202)";
        }
        if (BinaryPrimitives.ReadUInt16LittleEndian(head[0x1fe..]) != 0xAA55)
            return "no x86 boot sector (0xAA55) present";
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(head[0x206..]);
        if (version < 0x020C)
            return $"boot protocol {version >> 8}.{version & 0xff} is too old (kexec_file_load needs 2.12)";
        if ((head[0x211] & 1) == 0)
            return "a zImage, not a bzImage (LOADED_HIGH not set)";
        ushort xload = BinaryPrimitives.ReadUInt16LittleEndian(head[0x236..]);
        if ((xload & 1) == 0)
            return "not a 64-bit bzImage (XLF_KERNEL_64 not set)";
        if ((xload & 2) == 0)
            return "cannot be loaded above 4 GiB (XLF_CAN_BE_LOADED_ABOVE_4G not set)";
        cmdlineSize = BinaryPrimitives.ReadUInt32LittleEndian(head[0x238..]);
        return null;
    }

    /// <summary>Reads the boot header of a file and checks it; IO errors propagate.</summary>
    public static string? CheckFile(string path, out uint cmdlineSize)
    {
        using var f = File.OpenRead(path);
        var head = new byte[HeaderEnd];
        int n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Check(head.AsSpan(0, n), f.Length, out cmdlineSize);
    }
}

/// <summary>Recognises what an initrd file is (a warning only: the kernel accepts any bytes).</summary>
public static class InitrdImage
{
    /// <summary>A short description ("cpio (newc)", "gzip", ...) or null when the content is not recognised.</summary>
    public static string? Identify(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 6 && (head[..6].SequenceEqual("070701"u8) || head[..6].SequenceEqual("070702"u8)))
            return "cpio (newc)";
        if (head.Length >= 6 && head[..6].SequenceEqual("070707"u8))
            return "cpio (odc)";
        if (head.Length >= 2 && head[0] == 0xc7 && head[1] == 0x71)
            return "cpio (binary)";
        if (head.Length >= 2 && head[0] == 0x1f && (head[1] == 0x8b || head[1] == 0x9e))
            return "gzip";
        if (head.Length >= 6 && head[..6].SequenceEqual((ReadOnlySpan<byte>)[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))
            return "xz";
        if (head.Length >= 4 && head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd]))
            return "zstd";
        if (head.Length >= 3 && head[..3].SequenceEqual("BZh"u8))
            return "bzip2";
        if (head.Length >= 4 && head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x02, 0x21, 0x4c, 0x18]))
            return "lz4";
        if (head.Length >= 4 && head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x4c, 0x5a, 0x4f]))
            return "lzop";
        if (head.Length >= 3 && head[0] == 0x5d && head[1] == 0 && head[2] == 0)
            return "lzma";
        return null;
    }

    public static string? IdentifyFile(string path)
    {
        using var f = File.OpenRead(path);
        var head = new byte[8];
        int n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Identify(head.AsSpan(0, n));
    }
}
