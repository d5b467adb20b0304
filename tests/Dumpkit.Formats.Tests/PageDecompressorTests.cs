// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.Codecs;

namespace Dumpkit.Formats.Tests;

/// <summary>Corrupt compressed pages end in an error string, whatever the codec library throws.</summary>
public class PageDecompressorTests
{
    [Fact]
    public void ZlibStreamAskingForADictionaryIsAnErrorNotAnException()
    {
        // Found by FuzzTests (flat seed): a zlib header with FDICT set makes the inflater stop with
        // Z_NEED_DICT, which .NET raises as ZLibException rather than InvalidDataException.
        byte[] src = [0x78, 0x20, 0x00, 0x00, 0x00, 0x01, 0x63, 0x00, 0x00];
        using var d = new PageDecompressor();
        var page = new byte[4096];
        string? error = d.Decompress(PageCodec.Zlib, src, page);
        Assert.NotNull(error);
        Assert.StartsWith("zlib data is corrupt", error);
    }
}
