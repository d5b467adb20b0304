// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;

namespace Dumpkit.Kdump.Initrd;

/// <summary>
/// A file system's type, UUID and label read from its superblock, as blkid names them, without udev or libblkid:
/// ext2/3/4 (superblock at 1 KiB), xfs (at 0), btrfs (at 64 KiB) and vfat (the boot sector and the root
/// directory's volume label). The offsets are those of each file system's on-disk format documentation.
/// </summary>
public sealed record FsSuperblock(string Type, string? Uuid, string? Label)
{
    /// <summary>How much of a device <see cref="Probe"/> needs: btrfs's superblock ends 64 KiB + 4 KiB in.</summary>
    public const int ProbeSize = 0x10000 + 0x1000;

    /// <summary>Reads the start of a device or image file and probes it; null when no known file system is there.</summary>
    public static FsSuperblock? Read(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        var head = new byte[ProbeSize];
        int n = 0;
        while (n < head.Length && f.Read(head, n, head.Length - n) is int got and > 0) n += got;
        return Probe(head.AsSpan(0, n), (offset, buffer) =>
        {
            f.Position = offset;
            int done = 0;
            while (done < buffer.Length && f.Read(buffer[done..]) is int r and > 0) done += r;
            return done == buffer.Length;
        });
    }

    /// <summary>Reads <c>buffer.Length</c> bytes at an offset of the device; false when it cannot.</summary>
    public delegate bool ReadAt(long offset, Span<byte> buffer);

    /// <summary>Probes the first <see cref="ProbeSize"/> bytes of a device (<paramref name="readAt"/> for vfat's root directory).</summary>
    public static FsSuperblock? Probe(ReadOnlySpan<byte> head, ReadAt? readAt = null) =>
        Ext(head) ?? Xfs(head) ?? Btrfs(head) ?? Vfat(head, readAt);

    private static FsSuperblock? Ext(ReadOnlySpan<byte> d)
    {
        if (d.Length < 1024 + 0x100) return null;
        var sb = d.Slice(1024, 0x100);
        if (BinaryPrimitives.ReadUInt16LittleEndian(sb[0x38..]) != 0xEF53) return null;
        uint compat = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x5C..]);
        uint incompat = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x60..]);
        uint roCompat = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x64..]);
        const uint JournalDev = 0x8, HasJournal = 0x4;
        if ((incompat & JournalDev) != 0) return null; // an external journal, not a file system
        // ext3 knows only FILETYPE, RECOVER and META_BG incompatible, and SPARSE_SUPER, LARGE_FILE, BTREE_DIR read-only features
        bool beyondExt3 = (incompat & ~0x16u) != 0 || (roCompat & ~0x7u) != 0;
        string type = beyondExt3 ? "ext4" : (compat & HasJournal) != 0 ? "ext3" : "ext2";
        return new FsSuperblock(type, UuidText(sb.Slice(0x68, 16)), Text(sb.Slice(0x78, 16)));
    }

    private static FsSuperblock? Xfs(ReadOnlySpan<byte> d)
    {
        if (d.Length < 512 || BinaryPrimitives.ReadUInt32BigEndian(d) != 0x58465342) return null; // "XFSB"
        uint blockSize = BinaryPrimitives.ReadUInt32BigEndian(d[4..]);
        if (blockSize < 512 || (blockSize & (blockSize - 1)) != 0) return null;
        return new FsSuperblock("xfs", UuidText(d.Slice(32, 16)), Text(d.Slice(108, 12)));
    }

    private static FsSuperblock? Btrfs(ReadOnlySpan<byte> d)
    {
        const int At = 0x10000;
        if (d.Length < At + 0x12B + 256) return null;
        var sb = d.Slice(At, 0x12B + 256);
        if (!sb.Slice(0x40, 8).SequenceEqual("_BHRfS_M"u8)) return null;
        return new FsSuperblock("btrfs", UuidText(sb.Slice(0x20, 16)), Text(sb.Slice(0x12B, 256)));
    }

    private static FsSuperblock? Vfat(ReadOnlySpan<byte> d, ReadAt? readAt)
    {
        if (d.Length < 512 || d[510] != 0x55 || d[511] != 0xAA) return null;
        int bytesPerSector = BinaryPrimitives.ReadUInt16LittleEndian(d[11..]);
        int sectorsPerCluster = d[13];
        int reserved = BinaryPrimitives.ReadUInt16LittleEndian(d[14..]);
        int fats = d[16];
        int rootEntries = BinaryPrimitives.ReadUInt16LittleEndian(d[17..]);
        int fatSize16 = BinaryPrimitives.ReadUInt16LittleEndian(d[22..]);
        if (bytesPerSector is < 512 or > 4096 || (bytesPerSector & (bytesPerSector - 1)) != 0) return null;
        if (sectorsPerCluster == 0 || (sectorsPerCluster & (sectorsPerCluster - 1)) != 0 || reserved == 0 || fats is 0 or > 4) return null;
        bool fat32 = fatSize16 == 0;
        // the extended boot record: FAT12/16 at 36, FAT32 at 64 (after its own fields); 0x29 marks the id and label as present
        int ebr = fat32 ? 64 : 36;
        if (!fat32 && !d.Slice(54, 3).SequenceEqual("FAT"u8) && d[ebr + 2] != 0x29) return null;
        if (fat32 && !d.Slice(82, 5).SequenceEqual("FAT32"u8) && d[ebr + 2] != 0x29) return null;
        string? uuid = null, label = null;
        if (d[ebr + 2] is 0x29 or 0x28)
        {
            uint id = BinaryPrimitives.ReadUInt32LittleEndian(d[(ebr + 3)..]);
            uuid = $"{id >> 16:X4}-{id & 0xFFFF:X4}";
        }
        if (d[ebr + 2] == 0x29)
            label = Text(d.Slice(ebr + 7, 11), trimSpaces: true);
        if (label == "NO NAME") label = null;
        // the root directory's volume-label entry, which blkid prefers to the boot sector's copy
        if (readAt is not null)
        {
            uint fatSize = fat32 ? BinaryPrimitives.ReadUInt32LittleEndian(d[36..]) : (uint)fatSize16;
            long rootDir = (long)(reserved + fats * (long)fatSize) * bytesPerSector;
            int rootSize = rootEntries * 32;
            if (fat32)
            {
                uint rootCluster = BinaryPrimitives.ReadUInt32LittleEndian(d[44..]);
                rootDir += (long)(rootCluster - 2) * sectorsPerCluster * bytesPerSector;
                rootSize = sectorsPerCluster * bytesPerSector;
            }
            if (rootSize is > 0 and <= 1 << 20 && RootLabel(rootDir, rootSize, readAt) is { } rootLabel)
                label = rootLabel.Length == 0 ? null : rootLabel;
        }
        return new FsSuperblock("vfat", uuid, label);
    }

    /// <summary>The volume-label entry (attribute 0x08, not a long-name part) of a root directory; "" when there is none.</summary>
    private static string? RootLabel(long offset, int size, ReadAt readAt)
    {
        var dir = new byte[size];
        if (!readAt(offset, dir)) return null;
        for (int i = 0; i + 32 <= size; i += 32)
        {
            var e = dir.AsSpan(i, 32);
            if (e[0] == 0) break;
            if (e[0] == 0xE5 || (e[11] & 0x0F) == 0x0F || (e[11] & 0x18) != 0x08) continue;
            return Text(e[..11], trimSpaces: true);
        }
        return "";
    }

    /// <summary>The usual 8-4-4-4-12 lowercase text of a 16-byte UUID stored as bytes; null when all zero.</summary>
    private static string? UuidText(ReadOnlySpan<byte> b)
    {
        if (!b.ContainsAnyExcept((byte)0)) return null;
        string h = Convert.ToHexStringLower(b);
        return $"{h[..8]}-{h[8..12]}-{h[12..16]}-{h[16..20]}-{h[20..]}";
    }

    /// <summary>A NUL-padded label (trailing spaces too for FAT); null when empty.</summary>
    private static string? Text(ReadOnlySpan<byte> b, bool trimSpaces = false)
    {
        int end = b.IndexOf((byte)0);
        if (end >= 0) b = b[..end];
        string s = Encoding.UTF8.GetString(b);
        if (trimSpaces) s = s.TrimEnd(' ');
        return s.Length == 0 ? null : s;
    }
}
