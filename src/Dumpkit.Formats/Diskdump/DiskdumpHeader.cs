// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;

namespace Dumpkit.Formats.Diskdump;

/// <summary>
/// <c>disk_dump_header</c> of the kdump-compressed format, x86_64 (LP64, little endian) layout;
/// reading and writing side by side so the two cannot drift.
/// </summary>
public sealed class DiskdumpHeader
{
    public const int Size = 464;
    public const string KdumpSignature = "KDUMP   ";
    public const string DiskdumpSignature = "DISKDUMP";
    private const int UtsFieldLength = 65;

    public string Signature { get; set; } = KdumpSignature;
    public int HeaderVersion { get; set; } = 6;
    /// <summary>sysname, nodename, release, version, machine, domainname.</summary>
    public string[] Utsname { get; set; } = ["", "", "", "", "", ""];
    public long TimestampSeconds { get; set; }
    public long TimestampMicroseconds { get; set; }
    public uint Status { get; set; }
    public int BlockSize { get; set; } = 4096;
    public int SubHeaderBlocks { get; set; }
    public uint BitmapBlocks { get; set; }
    public uint MaxMapNr { get; set; }
    public uint TotalRamBlocks { get; set; }
    public uint DeviceBlocks { get; set; }
    public uint WrittenBlocks { get; set; }
    public uint CurrentCpu { get; set; }
    public int NrCpus { get; set; }

    public string Release => Utsname[2];

    public static bool HasSignature(ReadOnlySpan<byte> b) =>
        b.Length >= 8 && (b[..8].SequenceEqual("KDUMP   "u8) || b[..8].SequenceEqual("DISKDUMP"u8));

    public static DiskdumpHeader Read(ReadOnlySpan<byte> b)
    {
        var h = new DiskdumpHeader
        {
            Signature = Encoding.ASCII.GetString(b[..8]),
            HeaderVersion = BinaryPrimitives.ReadInt32LittleEndian(b[8..]),
            TimestampSeconds = BinaryPrimitives.ReadInt64LittleEndian(b[408..]),
            TimestampMicroseconds = BinaryPrimitives.ReadInt64LittleEndian(b[416..]),
            Status = BinaryPrimitives.ReadUInt32LittleEndian(b[424..]),
            BlockSize = BinaryPrimitives.ReadInt32LittleEndian(b[428..]),
            SubHeaderBlocks = BinaryPrimitives.ReadInt32LittleEndian(b[432..]),
            BitmapBlocks = BinaryPrimitives.ReadUInt32LittleEndian(b[436..]),
            MaxMapNr = BinaryPrimitives.ReadUInt32LittleEndian(b[440..]),
            TotalRamBlocks = BinaryPrimitives.ReadUInt32LittleEndian(b[444..]),
            DeviceBlocks = BinaryPrimitives.ReadUInt32LittleEndian(b[448..]),
            WrittenBlocks = BinaryPrimitives.ReadUInt32LittleEndian(b[452..]),
            CurrentCpu = BinaryPrimitives.ReadUInt32LittleEndian(b[456..]),
            NrCpus = BinaryPrimitives.ReadInt32LittleEndian(b[460..]),
        };
        for (int i = 0; i < 6; i++)
        {
            var f = b.Slice(12 + i * UtsFieldLength, UtsFieldLength);
            int nul = f.IndexOf((byte)0);
            h.Utsname[i] = Encoding.ASCII.GetString(nul < 0 ? f : f[..nul]);
        }
        return h;
    }

    /// <summary>Write the 464-byte header; the caller zero-fills the rest of block 0.</summary>
    public void Write(Span<byte> b)
    {
        b[..Size].Clear();
        Encoding.ASCII.GetBytes(Signature.AsSpan(0, 8), b);
        BinaryPrimitives.WriteInt32LittleEndian(b[8..], HeaderVersion);
        for (int i = 0; i < 6; i++)
        {
            var s = Utsname[i];
            int n = Math.Min(s.Length, UtsFieldLength - 1);
            Encoding.ASCII.GetBytes(s.AsSpan(0, n), b.Slice(12 + i * UtsFieldLength, UtsFieldLength));
        }
        BinaryPrimitives.WriteInt64LittleEndian(b[408..], TimestampSeconds);
        BinaryPrimitives.WriteInt64LittleEndian(b[416..], TimestampMicroseconds);
        BinaryPrimitives.WriteUInt32LittleEndian(b[424..], Status);
        BinaryPrimitives.WriteInt32LittleEndian(b[428..], BlockSize);
        BinaryPrimitives.WriteInt32LittleEndian(b[432..], SubHeaderBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(b[436..], BitmapBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(b[440..], MaxMapNr);
        BinaryPrimitives.WriteUInt32LittleEndian(b[444..], TotalRamBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(b[448..], DeviceBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(b[452..], WrittenBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(b[456..], CurrentCpu);
        BinaryPrimitives.WriteInt32LittleEndian(b[460..], NrCpus);
    }
}

/// <summary><c>kdump_sub_header</c> (LP64 layout, 104 bytes in header version 6).</summary>
public sealed class DiskdumpSubHeader
{
    public const int Size = 104;

    public ulong PhysBase { get; set; }
    public int DumpLevel { get; set; }
    public int Split { get; set; }
    public ulong StartPfn { get; set; }
    public ulong EndPfn { get; set; }
    public long OffsetVmcoreinfo { get; set; }
    public ulong SizeVmcoreinfo { get; set; }
    public long OffsetNote { get; set; }
    public ulong SizeNote { get; set; }
    public long OffsetEraseinfo { get; set; }
    public ulong SizeEraseinfo { get; set; }
    public ulong StartPfn64 { get; set; }
    public ulong EndPfn64 { get; set; }
    public ulong MaxMapNr64 { get; set; }

    public static DiskdumpSubHeader Read(ReadOnlySpan<byte> b) => new()
    {
        PhysBase = BinaryPrimitives.ReadUInt64LittleEndian(b),
        DumpLevel = BinaryPrimitives.ReadInt32LittleEndian(b[8..]),
        Split = BinaryPrimitives.ReadInt32LittleEndian(b[12..]),
        StartPfn = BinaryPrimitives.ReadUInt64LittleEndian(b[16..]),
        EndPfn = BinaryPrimitives.ReadUInt64LittleEndian(b[24..]),
        OffsetVmcoreinfo = BinaryPrimitives.ReadInt64LittleEndian(b[32..]),
        SizeVmcoreinfo = BinaryPrimitives.ReadUInt64LittleEndian(b[40..]),
        OffsetNote = BinaryPrimitives.ReadInt64LittleEndian(b[48..]),
        SizeNote = BinaryPrimitives.ReadUInt64LittleEndian(b[56..]),
        OffsetEraseinfo = BinaryPrimitives.ReadInt64LittleEndian(b[64..]),
        SizeEraseinfo = BinaryPrimitives.ReadUInt64LittleEndian(b[72..]),
        StartPfn64 = BinaryPrimitives.ReadUInt64LittleEndian(b[80..]),
        EndPfn64 = BinaryPrimitives.ReadUInt64LittleEndian(b[88..]),
        MaxMapNr64 = BinaryPrimitives.ReadUInt64LittleEndian(b[96..]),
    };

    public void Write(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(b, PhysBase);
        BinaryPrimitives.WriteInt32LittleEndian(b[8..], DumpLevel);
        BinaryPrimitives.WriteInt32LittleEndian(b[12..], Split);
        BinaryPrimitives.WriteUInt64LittleEndian(b[16..], StartPfn);
        BinaryPrimitives.WriteUInt64LittleEndian(b[24..], EndPfn);
        BinaryPrimitives.WriteInt64LittleEndian(b[32..], OffsetVmcoreinfo);
        BinaryPrimitives.WriteUInt64LittleEndian(b[40..], SizeVmcoreinfo);
        BinaryPrimitives.WriteInt64LittleEndian(b[48..], OffsetNote);
        BinaryPrimitives.WriteUInt64LittleEndian(b[56..], SizeNote);
        BinaryPrimitives.WriteInt64LittleEndian(b[64..], OffsetEraseinfo);
        BinaryPrimitives.WriteUInt64LittleEndian(b[72..], SizeEraseinfo);
        BinaryPrimitives.WriteUInt64LittleEndian(b[80..], StartPfn64);
        BinaryPrimitives.WriteUInt64LittleEndian(b[88..], EndPfn64);
        BinaryPrimitives.WriteUInt64LittleEndian(b[96..], MaxMapNr64);
    }
}

/// <summary><c>page_desc</c>: where a page's data is and how it is stored (24 bytes).</summary>
public readonly record struct PageDescriptor(long Offset, uint Size, uint Flags, ulong PageFlags)
{
    public const int Size_ = 24;

    public static PageDescriptor Read(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadInt64LittleEndian(b),
        BinaryPrimitives.ReadUInt32LittleEndian(b[8..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[12..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[16..]));

    public void Write(Span<byte> b)
    {
        BinaryPrimitives.WriteInt64LittleEndian(b, Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(b[8..], Size);
        BinaryPrimitives.WriteUInt32LittleEndian(b[12..], Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(b[16..], PageFlags);
    }
}
