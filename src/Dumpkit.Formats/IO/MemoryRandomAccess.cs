// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Formats.IO;

/// <summary>A dump held in memory (tests, fuzzing, small embedded dumps).</summary>
public sealed class MemoryRandomAccess(ReadOnlyMemory<byte> data, string name = "<memory>") : IRandomAccess
{
    public string Name { get; } = name;
    public long Length => data.Length;

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= data.Length)
            return 0;
        int n = (int)Math.Min(buffer.Length, data.Length - offset);
        data.Span.Slice((int)offset, n).CopyTo(buffer);
        return n;
    }

    public void Dispose() { }
}
