// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.IO.Compression;

namespace Dumpkit.Formats.Codecs;

/// <summary>
/// Compresses one page at a time with one codec. Not thread safe: use one instance per worker.
/// A page is stored compressed only when that is smaller than the page (as makedumpfile does);
/// <see cref="Compress(ReadOnlySpan{byte}, byte[])"/> returns -1 otherwise and the caller stores it raw.
/// </summary>
public sealed class PageCompressor : IDisposable
{
    /// <summary>
    /// zlib-ng level for pages larger than <see cref="PageDeflater.MaxInput"/>. makedumpfile uses
    /// zlib's level 1; zlib-ng's level 1 is a much weaker algorithm (deflate_quick: markedly larger
    /// output on a real vmcore) and level 5 is the first no larger than makedumpfile's files on
    /// ../shared's vmcores (bench/README.md, "Measurements behind design choices").
    /// </summary>
    public const int ZlibLevel = 5;

    private readonly PageCodec _codec;
    private readonly int _pageSize;
    private readonly BufferSinkStream _sink = new();
    private readonly ZLibCompressionOptions _zlibOptions = new() { CompressionLevel = ZlibLevel };
    private PageDeflater? _deflater;
    private ZstdSharp.Compressor? _zstd;

    public PageCompressor(PageCodec codec, int pageSize)
    {
        _codec = codec;
        _pageSize = pageSize;
        if (codec == PageCodec.Zstd)
            _zstd = new ZstdSharp.Compressor(1);
    }

    public PageCodec Codec => _codec;

    /// <summary>Scratch space the output buffer must be at least this large.</summary>
    public int ScratchSize => ScratchBytes(_pageSize);

    /// <summary>The room <see cref="Compress(ReadOnlySpan{byte}, byte[], int)"/> needs for pages of <paramref name="pageSize"/> bytes.</summary>
    public static int ScratchBytes(int pageSize) => Math.Max(pageSize, Lzo1x.MaxCompressedLength(pageSize)) + 64;

    /// <summary>Compress <paramref name="page"/> into <paramref name="output"/>; the compressed size, or -1 when not smaller than a page.</summary>
    public int Compress(ReadOnlySpan<byte> page, byte[] output) => Compress(page, output, 0);

    /// <summary>
    /// Compress <paramref name="page"/> into <paramref name="output"/> at <paramref name="offset"/>,
    /// which must leave <see cref="ScratchSize"/> bytes; the compressed size, or -1 when not smaller
    /// than a page (the bytes at <paramref name="offset"/> are then undefined).
    /// </summary>
    public int Compress(ReadOnlySpan<byte> page, byte[] output, int offset)
    {
        // zlib and LZO stop writing at one byte short of a page: a page that does not shrink is stored raw.
        int useful = Math.Min(output.Length - offset, page.Length - 1);
        var rest = output.AsSpan(offset);
        int n = _codec switch
        {
            // Only deflate's search is slow enough on random data to be worth the test.
            PageCodec.Zlib => Incompressible.Looks(page) ? -1 : CompressZlib(page, output, offset, useful),
            PageCodec.Lzo => Lzo1x.Compress(page, rest[..useful]),
            PageCodec.Snappy => CompressSnappy(page, rest),
            PageCodec.Zstd => _zstd!.TryWrap(page, rest, out var written) ? written : -1,
            _ => -1,
        };
        return n > 0 && n < page.Length ? n : -1;
    }

    /// <summary>
    /// Pages up to 32 KiB go through <see cref="PageDeflater"/>, made for single pages: faster
    /// than zlib-ng at <see cref="ZlibLevel"/> (what this codec used before) and than Debian's zlib
    /// at level 1 (makedumpfile's) on the pages of real dumps, for output no larger than zlib-ng's
    /// and about the size of zlib level 1's (bench/README.md, "Measurements behind design choices", has the figures).
    /// </summary>
    private int CompressZlib(ReadOnlySpan<byte> page, byte[] output, int offset, int limit)
    {
        if (page.Length <= PageDeflater.MaxInput)
            return (_deflater ??= new PageDeflater()).Compress(page, output.AsSpan(offset), limit);
        _sink.Reset(output, offset, limit);
        using (var z = new ZLibStream(_sink, _zlibOptions, leaveOpen: true))
            z.Write(page);
        return _sink.Overflowed ? -1 : _sink.Written;
    }

    private static int CompressSnappy(ReadOnlySpan<byte> page, Span<byte> output)
    {
        return Snappier.Snappy.TryCompress(page, output, out int written) ? written : -1;
    }

    public void Dispose()
    {
        _zstd?.Dispose();
        _zstd = null;
    }
}
