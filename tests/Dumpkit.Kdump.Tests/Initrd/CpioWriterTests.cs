// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Kdump.Initrd;

namespace Dumpkit.Kdump.Tests.Initrd;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class CpioWriterTests
{
    private static readonly CpioEntry[] Sample =
    [
        CpioEntry.Directory("bin"),
        CpioEntry.File("bin/tool", Encoding.ASCII.GetBytes("#!/bin/sh\necho odd length\n"), 0x1ED),
        CpioEntry.Symlink("bin/sh", "tool"),
        CpioEntry.Directory("etc"),
        CpioEntry.File("etc/secret", [1, 2, 3], 0x180),
        CpioEntry.File("etc/empty", []),
        CpioEntry.CharDevice("console", 5, 1),
    ];

    private static byte[] Archive(IEnumerable<CpioEntry> entries)
    {
        var ms = new MemoryStream();
        CpioWriter.Write(ms, entries);
        return ms.ToArray();
    }

    /// <summary>Our own reading of the format, field by field, gives back every member.</summary>
    [Fact]
    public void RoundTrip()
    {
        var read = CpioReader.Read(Archive(Sample));
        Assert.Equal(Sample.Length, read.Count);
        for (int i = 0; i < Sample.Length; i++)
        {
            Assert.Equal(Sample[i].Name, read[i].Name);
            Assert.Equal(Sample[i].Mode, read[i].Mode);
            Assert.Equal(Sample[i].Data, read[i].Data);
            Assert.Equal((Sample[i].RdevMajor, Sample[i].RdevMinor), (read[i].RdevMajor, read[i].RdevMinor));
        }
    }

    [Fact]
    public void SameEntriesSameBytes() => Assert.Equal(Archive(Sample), Archive(Sample.Select(e => e with { })));

    /// <summary>GNU cpio lists and extracts the archive as written: names, types, permissions, contents, link targets.</summary>
    [SkippableFact]
    public void GnuCpioReadsIt()
    {
        Skip.IfNot(File.Exists("/usr/bin/cpio"), "GNU cpio is not installed");
        using var dir = new TempDir();
        File.WriteAllBytes(dir["a.cpio"], Archive(Sample.Where(e => e.Type != CpioEntry.TypeCharDevice)));
        var list = RealData.Run("/usr/bin/cpio", ["-itv", "-F", dir["a.cpio"]]);
        Assert.Equal(0, list.ExitCode);
        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["bin", "bin/tool", "bin/sh -> tool", "etc", "etc/secret", "etc/empty"],
            lines.Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[8..])));
        Assert.StartsWith("drwxr-xr-x", lines[0]);
        Assert.StartsWith("-rwxr-xr-x", lines[1]);
        Assert.StartsWith("lrwxrwxrwx", lines[2]);
        Assert.StartsWith("-rw-------", lines[4]);
        string x = Path.Combine(dir.Path, "x");
        Directory.CreateDirectory(x);
        var extract = RealData.Run("/usr/bin/cpio", ["-idm", "--quiet", "-D", x, "-F", dir["a.cpio"]]);
        Assert.Equal(0, extract.ExitCode);
        Assert.Equal(Sample[1].Data, File.ReadAllBytes(Path.Combine(x, "bin/tool")));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(x, "etc/secret")));
        Assert.Equal("tool", new FileInfo(Path.Combine(x, "bin/sh")).LinkTarget);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(x, "etc/secret")));
    }

    [Fact]
    public void RefusesAbsoluteNames() =>
        Assert.Throws<ArgumentException>(() => Archive([CpioEntry.File("/etc/passwd", [])]));
}

/// <summary>A newc reader for the tests, written from the format's description (cpio(5)).</summary>
internal static class CpioReader
{
    public static List<CpioEntry> Read(byte[] archive)
    {
        var list = new List<CpioEntry>();
        int pos = 0;
        while (true)
        {
            string h = Encoding.ASCII.GetString(archive, pos, 110);
            Assert.Equal("070701", h[..6]);
            uint F(int i) => Convert.ToUInt32(h.Substring(6 + 8 * i, 8), 16);
            int nameSize = (int)F(11), size = (int)F(6);
            string name = Encoding.UTF8.GetString(archive, pos + 110, nameSize - 1);
            Assert.Equal(0, archive[pos + 110 + nameSize - 1]);
            pos = Align(pos + 110 + nameSize);
            if (name == "TRAILER!!!") break;
            list.Add(new CpioEntry(name, F(1), archive[pos..(pos + size)], F(9), F(10)));
            Assert.Equal(0u, F(2));
            pos = Align(pos + size);
        }
        Assert.Equal(archive.Length, pos);
        return list;
    }

    private static int Align(int n) => (n + 3) & ~3;
}
