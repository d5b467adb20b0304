// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Formats.Codecs;

/// <summary>The per-page compression methods of the kdump-compressed format.</summary>
public enum PageCodec
{
    None = 0,
    Zlib = 1,
    Lzo = 2,
    Snappy = 3,
    Zstd = 4,
}

public static class PageCodecInfo
{
    /// <summary>The DUMP_DH_COMPRESSED_* bit a page descriptor and the header status carry.</summary>
    public static uint Flag(this PageCodec codec) => codec switch
    {
        PageCodec.Zlib => Diskdump.DiskdumpFlags.CompressedZlib,
        PageCodec.Lzo => Diskdump.DiskdumpFlags.CompressedLzo,
        PageCodec.Snappy => Diskdump.DiskdumpFlags.CompressedSnappy,
        PageCodec.Zstd => Diskdump.DiskdumpFlags.CompressedZstd,
        _ => 0,
    };

    /// <summary>The codec named by a descriptor's flags, or null when more than one bit is set.</summary>
    public static PageCodec? FromFlags(uint flags)
    {
        const uint All = Diskdump.DiskdumpFlags.CompressedZlib | Diskdump.DiskdumpFlags.CompressedLzo
            | Diskdump.DiskdumpFlags.CompressedSnappy | Diskdump.DiskdumpFlags.CompressedZstd;
        return (flags & All) switch
        {
            0 => PageCodec.None,
            Diskdump.DiskdumpFlags.CompressedZlib => PageCodec.Zlib,
            Diskdump.DiskdumpFlags.CompressedLzo => PageCodec.Lzo,
            Diskdump.DiskdumpFlags.CompressedSnappy => PageCodec.Snappy,
            Diskdump.DiskdumpFlags.CompressedZstd => PageCodec.Zstd,
            _ => null,
        };
    }

    public static string Name(this PageCodec codec) => codec switch
    {
        PageCodec.Zlib => "zlib",
        PageCodec.Lzo => "lzo",
        PageCodec.Snappy => "snappy",
        PageCodec.Zstd => "zstd",
        _ => "none",
    };
}
