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
}
