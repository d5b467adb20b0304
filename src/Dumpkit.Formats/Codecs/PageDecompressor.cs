// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.IO.Compression;

namespace Dumpkit.Formats.Codecs;

/// <summary>
/// Decompresses stored pages. Every codec is bounded: a page must come out exactly one page
/// long, and a stream that would expand further is rejected without reading on.
/// Not thread safe: one instance per reader thread.
/// </summary>
public sealed class PageDecompressor : IDisposable
{
    private ZstdSharp.Decompressor? _zstd;

    /// <summary>Decode <paramref name="src"/> into exactly <paramref name="page"/>.Length bytes; null on success, else why not.</summary>
    public string? Decompress(PageCodec codec, ReadOnlySpan<byte> src, Span<byte> page)
    {
        switch (codec)
        {
            case PageCodec.None:
                if (src.Length != page.Length)
                    return $"raw page of {src.Length} bytes, expected {page.Length}";
                src.CopyTo(page);
                return null;
            case PageCodec.Zlib:
                return DecompressZlib(src, page);
            case PageCodec.Lzo:
            {
                int n = Lzo1x.Decompress(src, page);
                if (n < 0) return $"lzo data is corrupt (error {n})";
                return n == page.Length ? null : $"lzo page decompressed to {n} bytes, expected {page.Length}";
            }
            case PageCodec.Snappy:
            {
                try
                {
                    int len = Snappier.Snappy.GetUncompressedLength(src);
                    if (len != page.Length)
                        return $"snappy page claims {len} bytes, expected {page.Length}";
                    if (!Snappier.Snappy.TryDecompress(src, page, out int n))
                        return "snappy data is corrupt";
                    return n == page.Length ? null : $"snappy page decompressed to {n} bytes, expected {page.Length}";
                }
                catch (InvalidDataException e) { return "snappy data is corrupt: " + e.Message; }
                catch (ArgumentException e) { return "snappy data is corrupt: " + e.Message; }
            }
            case PageCodec.Zstd:
            {
                _zstd ??= new ZstdSharp.Decompressor();
                try
                {
                    if (!_zstd.TryUnwrap(src, page, out int n))
                        return "zstd page decompresses to more than one page";
                    return n == page.Length ? null : $"zstd page decompressed to {n} bytes, expected {page.Length}";
                }
                catch (ZstdSharp.ZstdException e) { return "zstd data is corrupt: " + e.Message; }
            }
            default:
                return "unknown compression";
        }
    }

    private static unsafe string? DecompressZlib(ReadOnlySpan<byte> src, Span<byte> page)
    {
        fixed (byte* p = src)
        {
            using var ms = new UnmanagedMemoryStream(p, src.Length);
            try
            {
                using var z = new ZLibStream(ms, CompressionMode.Decompress);
                int total = 0;
                while (total < page.Length)
                {
                    int n = z.Read(page[total..]);
                    if (n == 0)
                        return $"zlib page decompressed to {total} bytes, expected {page.Length}";
                    total += n;
                }
                Span<byte> extra = stackalloc byte[1];
                if (z.Read(extra) != 0)
                    return $"zlib page decompresses to more than {page.Length} bytes";
                return null;
            }
            catch (InvalidDataException e) { return "zlib data is corrupt: " + e.Message; }
            // Other inflate results (Z_NEED_DICT, Z_BUF_ERROR, ...) come as ZLibException, an IOException.
            catch (IOException) { return "zlib data is corrupt (the stream is not a plain zlib page)"; }
        }
    }

    public void Dispose()
    {
        _zstd?.Dispose();
        _zstd = null;
    }
}
