// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Dumpkit.Cli;

/// <summary>A name that is a FIFO or a socket was given where a file is read whole (its open(2) would wait for ever).</summary>
public sealed class NotRegularFileException(string path, string kind) : IOException($"Not a regular file ({kind})")
{
    public string FilePath { get; } = path;

    /// <summary>"a FIFO" or "a socket".</summary>
    public string Kind { get; } = kind;
}

/// <summary>What a name is when opening it to read could block for ever or read without end: stat(2)'s file type.</summary>
public static partial class FileKind
{
    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStat(string path, ref byte buf);

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref byte buf);

    /// <summary>
    /// "a FIFO" or "a socket" when the name itself is one (lstat: not followed through a link, so a shell's
    /// <c>&lt;(...)</c>, a /dev/fd/N link to a pipe that already has its writer, still reads), else null.
    /// </summary>
    public static string? NamedPipeOrSocket(string path) => Type(path, followLinks: false) switch
    {
        0x1000 => "a FIFO",
        0xc000 => "a socket",
        _ => null,
    };

    /// <summary>
    /// What the name leads to (through links) when it is neither a regular file, a directory nor a block device: "a FIFO",
    /// "a socket" or "a character device" (opening one to read can block for ever, or read an endless stream), else null.
    /// </summary>
    public static string? Special(string path) => Type(path, followLinks: true) switch
    {
        0x1000 => "a FIFO",
        0xc000 => "a socket",
        0x2000 => "a character device",
        _ => null,
    };

    /// <summary>Throws <see cref="NotRegularFileException"/> when <see cref="NamedPipeOrSocket"/> names a kind.</summary>
    public static void RefusePipeOrSocket(string path)
    {
        if (NamedPipeOrSocket(path) is { } kind)
            throw new NotRegularFileException(path, kind);
    }

    /// <summary>st_mode's file type bits, or null when nothing has the name. st_mode lies at offset 24 of x86-64's struct stat and 16 of arm64's.</summary>
    private static uint? Type(string path, bool followLinks)
    {
        if (!OperatingSystem.IsLinux() || path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
            return null;
        Span<byte> buf = stackalloc byte[256];
        if ((followLinks ? Stat(path, ref buf[0]) : LStat(path, ref buf[0])) != 0)
            return null;
        int at = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 16 : 24;
        return BinaryPrimitives.ReadUInt32LittleEndian(buf[at..]) & 0xf000;
    }
}
