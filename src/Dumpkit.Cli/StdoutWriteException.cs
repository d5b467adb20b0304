// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Cli;

/// <summary>
/// A write to standard output (Console.Out) failed: strerror(errno) as the message, the errno as the HResult, so that
/// <see cref="SystemErrors.Errno"/> reads it as any I/O error; its own type lets the multicall dispatcher say it as
/// "TOOL: write error: strerror" (<see cref="StandardStreams.Finish"/>).
/// </summary>
public sealed class StdoutWriteException : IOException
{
    public StdoutWriteException(int errno) : base(SystemErrors.StrError(errno), errno) => Errno = errno;

    public int Errno { get; }
}
