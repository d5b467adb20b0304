// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kernel;

/// <summary>
/// The crashed kernel's data (VMCOREINFO or memory) does not allow the requested operation. A read that failed
/// names its kernel virtual address range (<see cref="Address"/>, <see cref="Length"/>), so a caller can say why
/// (<see cref="KernelMemory.WhyUnreadable"/>).
/// </summary>
public sealed class KernelDataException(string message, ulong? address = null, long length = 1) : Exception(message)
{
    public ulong? Address { get; } = address;
    public long Length { get; } = length;
}
