// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Formats;

/// <summary>What the page pipeline made of one selected frame.</summary>
public enum PageKind : byte
{
    /// <summary>Its bytes are in the batch's data (compressed when <see cref="BatchPage.Flags"/> says so).</summary>
    Data,
    /// <summary>All zeros (only when the pipeline tests for zero pages); no bytes stored.</summary>
    Zero,
    /// <summary>The input could not supply it (a hole or an excluded page of an incomplete dump).</summary>
    Missing,
}

/// <summary>One selected frame of a batch.</summary>
public struct BatchPage
{
    public ulong Pfn;
    /// <summary>Bytes it takes in <see cref="PageBatch.Data"/> (0 unless <see cref="Kind"/> is Data).</summary>
    public int Size;
    /// <summary>The descriptor flag of its codec when stored compressed, 0 when raw.</summary>
    public uint Flags;
    public PageKind Kind;
}

/// <summary>
/// The selected frames of one stretch [<see cref="Start"/>, <see cref="End"/>) of a frame range,
/// in frame order, with their stored bytes back to back in <see cref="Data"/>: what the page
/// pipeline hands to an output layout, batch after batch in order.
/// </summary>
public sealed class PageBatch
{
    internal long Sequence;
    internal bool Done;
    internal Exception? Error;

    internal PageBatch(int capacity, int dataBytes)
    {
        Pages = new BatchPage[capacity];
        Data = new byte[dataBytes];
    }

    /// <summary>Index of the range (of those given to <see cref="PagePipeline.Run"/>) the batch belongs to.</summary>
    public int Range { get; internal set; }
    /// <summary>The last batch of its range: the range is over once it is written.</summary>
    public bool EndsRange { get; internal set; }
    public ulong Start { get; internal set; }
    public ulong End { get; internal set; }
    public int Count { get; internal set; }
    public int DataLength { get; internal set; }
    public BatchPage[] Pages { get; }
    public byte[] Data { get; }
}
