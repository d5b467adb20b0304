// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash;

/// <summary>
/// A command failed: <see cref="Exception.Message"/> is what crash prints (one or a few lines,
/// e.g. <c>rd: invalid kernel virtual address: 0  type: "64-bit KVADDR"</c>); the session goes on.
/// </summary>
public sealed class CommandException(string message) : Exception(message);
