// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kernel.Mm;

/// <summary>
/// makedumpfile's dump level: the classes of pages a dump leaves out (its DL_EXCLUDE_* bits; the
/// command line's <c>-d</c> number is their sum, 0-31).
/// </summary>
[Flags]
public enum DumpLevel
{
    /// <summary>Every page is kept.</summary>
    None = 0,
    /// <summary>Pages filled with zero.</summary>
    Zero = 1,
    /// <summary>Page cache without private data.</summary>
    Cache = 2,
    /// <summary>Page cache with private data (buffers).</summary>
    CachePrivate = 4,
    /// <summary>User process data (anonymous and hugetlbfs pages).</summary>
    User = 8,
    /// <summary>Free pages (the buddy allocator's and unaccepted memory).</summary>
    Free = 16,
    /// <summary>All of the above: makedumpfile's <c>-d 31</c>.</summary>
    All = Zero | Cache | CachePrivate | User | Free,
    /// <summary>The classes that need the kernel's page descriptors to be told apart (everything but zero pages).</summary>
    KernelClasses = Cache | CachePrivate | User | Free,
}
