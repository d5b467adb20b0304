// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Formats;

/// <summary>A half-open range [Start, End) of physical addresses (bytes).</summary>
public readonly record struct PhysicalRange(ulong Start, ulong End)
{
    public ulong Size => End > Start ? End - Start : 0;
}
