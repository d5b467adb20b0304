// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Formats;

/// <summary>
/// A dump file is malformed. The message is one line that names the file and, where known,
/// the byte offset at which the problem was found.
/// </summary>
public sealed class DumpFormatException : Exception
{
    public string FilePath { get; }
    public long? Offset { get; }
    public string Reason { get; }

    public DumpFormatException(string path, long? offset, string reason)
        : base(offset is long o ? $"{path}: offset 0x{o:x}: {reason}" : $"{path}: {reason}")
    {
        FilePath = path;
        Offset = offset;
        Reason = reason;
    }
}
