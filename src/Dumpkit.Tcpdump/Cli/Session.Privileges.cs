// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Cli;

internal sealed partial class Session
{
    /// <summary>
    /// Once the capture source is open: the -w file and the switch to the unprivileged user, in the order of
    /// Debian's tcpdump. Without -C the file is opened as root, then given to the user (not "-w -"), then root
    /// is dropped; with -C root is dropped first and the user opens the file (a directory only root may write
    /// into then fails with "Permission denied", as Debian's does).
    /// </summary>
    private RotatingWriter? OpenOutputAndDrop(Options o, int linkType, int snapLen, bool nano)
    {
        string? user = Privileges.Target(o.User, DropToDefaultUser);
        RotatingWriter? Open() => o.WriteFile != null ? new RotatingWriter(o, rawStdout, stderr, zone, linkType, snapLen, nano) : null;
        if (user == null) return Open();
        if (o.WriteFile == null || o.FileSizeMb > 0)
        {
            Privileges.Drop(user);
            return Open();
        }
        var writer = Open()!;
        try
        {
            if (o.WriteFile != "-") Privileges.GiveSavefile(user, writer.CurrentName);
            Privileges.Drop(user);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        return writer;
    }
}

/// <summary>-V: the file that lists savefiles, one path a line (tcpdump's get_next_file: fgets, the newline cut).</summary>
internal sealed class SavefileList : IDisposable
{
    private readonly Stream _stream;

    public SavefileList(string path, Func<Stream> stdin)
    {
        // fopen opens a directory, whose first read fails: nothing in it
        if (path != "-" && Directory.Exists(path))
        {
            _stream = Stream.Null;
            return;
        }
        try { _stream = path == "-" ? stdin() : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096); }
        catch (Exception ex) when (SystemErrors.IsOpenFailure(ex))
        {
            throw new UsageException($"Unable to open file: {SystemErrors.Describe(ex, path) ?? "Input/output error"}");
        }
    }

    /// <summary>The next line without its newline; null at the end of the list.</summary>
    public string? Next()
    {
        // tcpdump reads lines of at most PATH_MAX - 1 bytes; a longer one comes back in pieces, as fgets does
        const int Max = 4095;
        var bytes = new List<byte>();
        int b;
        try
        {
            while (bytes.Count < Max && (b = _stream.ReadByte()) >= 0)
            {
                bytes.Add((byte)b);
                if (b == '\n') break;
            }
        }
        catch (Exception ex) when (SystemErrors.IsIo(ex))
        {
            // a list that cannot be read (a directory) ends as fgets ends: no more names
        }
        if (bytes.Count == 0) return null;
        if (bytes[^1] == '\n') bytes.RemoveAt(bytes.Count - 1);
        return System.Text.Encoding.UTF8.GetString([.. bytes]);
    }

    public void Dispose() => _stream.Dispose();
}
