// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Cli;

namespace Dumpkit.Cli.Tests;

public class BoundedFileTests
{
    [SkippableFact]
    public void AnEndlessFileEndsInTooLarge()
    {
        Skip.IfNot(File.Exists("/dev/zero"), "needs /dev/zero");
        var e = Assert.Throws<FileTooLargeException>(() => BoundedFile.ReadAllBytes("/dev/zero", 1 << 20));
        Assert.Equal("/dev/zero", e.FilePath);
        Assert.Equal("File too large", SystemErrors.Text(e));
    }

    [Fact]
    public void AFileWithinTheBoundIsReadWhole()
    {
        using var dir = new TestDir();
        string path = System.IO.Path.Combine(dir.Path, "f");
        var data = new byte[200_000];
        new Random(18).NextBytes(data);
        File.WriteAllBytes(path, data);
        Assert.Equal(File.ReadAllBytes(path), BoundedFile.ReadAllBytes(path, data.Length));
        Assert.Throws<FileTooLargeException>(() => BoundedFile.ReadAllBytes(path, data.Length - 1));
        File.WriteAllText(path, "\uFEFFKEY=value\n");
        Assert.Equal(File.ReadAllText(path), BoundedFile.ReadAllText(path, 100));
    }

    [SkippableFact]
    // open(2) of a named FIFO waits for a writer, and of a socket fails: both refused by lstat before it, in one
    // line; a pipe reached through a /proc/self/fd link (a shell's <(...)) is read as usual.
    public void ANamedFifoOrSocketIsRefusedAndAPipeLinkIsRead()
    {
        Skip.IfNot(File.Exists("/usr/bin/mkfifo") && OperatingSystem.IsLinux(), "needs mkfifo");
        using var dir = new TestDir();
        string fifo = System.IO.Path.Combine(dir.Path, "fifo");
        using (var p = System.Diagnostics.Process.Start("/usr/bin/mkfifo", [fifo])) p.WaitForExit();
        var read = Task.Run(() => Assert.Throws<NotRegularFileException>(() => BoundedFile.ReadAllText(fifo, 100)));
        Assert.True(read.Wait(TimeSpan.FromMinutes(2)), "BoundedFile blocked opening a FIFO");
        Assert.Equal(fifo, read.Result.FilePath);
        Assert.Equal("Not a regular file (a FIFO)", SystemErrors.Text(read.Result));

        string socketPath = System.IO.Path.Combine(dir.Path, "sock");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, 0);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
        Assert.Equal("a socket", Assert.Throws<NotRegularFileException>(() => BoundedFile.ReadAllBytes(socketPath, 100)).Kind);

        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        string reader = $"/proc/self/fd/{pipe.ClientSafePipeHandle.DangerousGetHandle()}";
        pipe.Write("text\n"u8);
        pipe.Close();
        Assert.Equal("text\n", BoundedFile.ReadAllText(reader, 100));
    }
}
