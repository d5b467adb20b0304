// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Cli;

/// <summary>A file read whole was larger than its reader accepts (an endless file such as /dev/zero, or a wrong one).</summary>
public sealed class FileTooLargeException(string path, long limit)
    : IOException($"{path}: file too large (more than {limit} bytes)", SystemErrors.Efbig)
{
    public string FilePath { get; } = path;
    public long Limit { get; } = limit;
}

/// <summary>
/// "Read the whole file" with a bound: a configuration, a filter or a VMCOREINFO file is small, and an endless
/// file (/dev/zero, a FIFO that never closes) must end in one clear line, not in running out of memory; and a
/// named FIFO or socket is refused before open(2), which would wait for a writer for ever.
/// </summary>
public static class BoundedFile
{
    /// <summary>The bytes of <paramref name="path"/>; <see cref="FileTooLargeException"/> past <paramref name="limit"/> bytes.</summary>
    /// <remarks>A named FIFO or socket: <see cref="NotRegularFileException"/>.</remarks>
    public static byte[] ReadAllBytes(string path, long limit)
    {
        FileKind.RefusePipeOrSocket(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        while (true)
        {
            int n = file.Read(chunk, 0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length));
            if (n <= 0) break;
            buffer.Write(chunk, 0, n);
            if (buffer.Length > limit) throw new FileTooLargeException(path, limit);
        }
        return buffer.ToArray();
    }

    /// <summary>The text of <paramref name="path"/> in <paramref name="encoding"/> (UTF-8 by default), bounded as <see cref="ReadAllBytes"/>.</summary>
    public static string ReadAllText(string path, long limit, System.Text.Encoding? encoding = null)
    {
        var bytes = ReadAllBytes(path, limit);
        var e = encoding ?? System.Text.Encoding.UTF8;
        // a UTF-8 byte order mark is not text (File.ReadAllText drops it too)
        int skip = e is System.Text.UTF8Encoding && bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        return e.GetString(bytes, skip, bytes.Length - skip);
    }
}
