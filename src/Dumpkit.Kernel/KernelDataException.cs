// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kernel;

/// <summary>The crashed kernel's data (VMCOREINFO or memory) does not allow the requested operation.</summary>
public sealed class KernelDataException(string message) : Exception(message);
