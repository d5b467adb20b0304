// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using CsCheck;

namespace Dumpkit.Crash.Tests;

public class CrashSessionTests
{
    [SkippableTheory]
    // crash's log is Debian makedumpfile 1.7.2's --dump-dmesg, which the capture kernel saved as kdump-dmesg.txt.
    [InlineData(RealData.Kernel61, false)]
    [InlineData(RealData.Kernel612, false)]
    [InlineData(RealData.Kernel612, false, "mdf-c-d31")]
    [InlineData(RealData.Kernel61, false, "mdf-F-c-d31")]
    [InlineData(RealData.CrashKernel61, true)]
    [InlineData(RealData.CrashKernel612, true)]
    public void LogIsMakedumpfilesDumpDmesg(string kernel, bool crashDump, string file = "vmcore.elf")
    {
        var dump = crashDump ? RealData.CrashDump(kernel, file) : RealData.Kernel(kernel, file);
        var expected = File.ReadAllText(crashDump ? RealData.CrashDump(kernel, "kdump-dmesg.txt") : RealData.Kernel(kernel, "kdump-dmesg.txt"),
            System.Text.Encoding.Latin1);
        var (o, e, code) = CrashRunner.Ours("log\nq\n", "-s", dump);
        Assert.Equal(0, code);
        Assert.Equal("", e);
        Assert.True(expected == o, CrashRunner.FirstDifference(expected, o));
    }

    [SkippableFact]
    public void AnUnknownCommandGetsCrashsMessageAndTheSessionGoesOn()
    {
        var dump = RealData.Kernel(RealData.Kernel612, "vmcore.elf");
        var (o, _, code) = CrashRunner.Ours("foo\nsym panic\nq\nsym panic\n", "-s", dump);
        Assert.Equal(0, code);
        var lines = o.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("crash: command not found: foo", lines[0]);
        Assert.Matches("^ffffffff[0-9a-f]{8} \\(T\\) panic$", lines[1]);
        Assert.Equal(2, lines.Length); // nothing after q
    }

    [SkippableFact]
    public void CommandsComeFromAFileThenStdin()
    {
        var dump = RealData.Kernel(RealData.Kernel612, "vmcore.elf");
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "sym _stext\n");
            var (o, _, code) = CrashRunner.Ours("sym panic\n", "-s", "-i", file, dump);
            Assert.Equal(0, code);
            var lines = o.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.EndsWith(" _stext", lines[0]);
            Assert.EndsWith(" panic", lines[1]);
        }
        finally { File.Delete(file); }
    }

    [SkippableFact]
    public void WithoutSilenceTheSessionStartsWithSys()
    {
        var dump = RealData.Kernel(RealData.Kernel612, "vmcore.elf");
        var (o, _, code) = CrashRunner.Ours("", dump);
        Assert.Equal(0, code);
        Assert.Contains("     RELEASE: 6.12.117+deb12-amd64\n", o);
        Assert.Contains("       PANIC: \"Kernel panic - not syncing: sysrq triggered crash\"\n", o);
    }

    [Fact]
    public void BadArgumentsAndFilesGiveOneLineAndExit1()
    {
        var (o, e, code) = CrashRunner.Ours("", "-s", "/nonexistent/vmcore");
        Assert.Equal(1, code);
        Assert.Equal("", o);
        Assert.Equal("crash: /nonexistent/vmcore: No such file or directory\n", e);

        var junk = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(junk, new byte[8192]);
            (o, e, code) = CrashRunner.Ours("", "-s", junk);
            Assert.Equal(1, code);
            Assert.Single(e.TrimEnd('\n').Split('\n'));
            Assert.StartsWith($"crash: {junk}: ", e);
            Assert.DoesNotContain($"{junk}: {junk}", e);
            Assert.DoesNotContain("   at ", e);
        }
        finally { File.Delete(junk); }

        // three files are a vmlinux and a split set's parts (crash's order): the missing vmlinux is the one line
        (_, e, code) = CrashRunner.Ours("", "-s", "a", "b", "c");
        Assert.Equal(1, code);
        Assert.Equal("crash: a: No such file or directory\n", e);
        (_, e, code) = CrashRunner.Ours("", "-s");
        Assert.Equal(1, code);
        Assert.StartsWith("Usage:", e);
    }

    [SkippableTheory]
    [InlineData(RealData.Kernel61)]
    [InlineData(RealData.Kernel612)]
    // Every struct and union the kernel's BTF defines prints, without an error or an exception.
    public void EveryStructAndUnionDefinitionPrints(string kernel)
    {
        var dump = RealData.Kernel(kernel, "vmcore.elf");
        var mem = RealData.OpenMemory(dump);
        var output = new StringWriter();
        using var session = new CrashSession(mem, dump, null, output);
        var btf = session.Types;
        int printed = 0;
        for (int id = 1; id < btf.Count; id++)
        {
            var kind = btf.Kind(id);
            if (kind is not (Kernel.Btf.BtfKind.Struct or Kernel.Btf.BtfKind.Union) || btf.Name(id).Length == 0)
                continue;
            if (btf.Find(btf.Name(id), kind) != id)
                continue; // a second definition of the same name
            output.GetStringBuilder().Clear();
            session.Execute($"{(kind == Kernel.Btf.BtfKind.Union ? "union" : "struct")} {btf.Name(id)}");
            var text = output.ToString();
            Assert.True(text.StartsWith(kind == Kernel.Btf.BtfKind.Union ? "union " : "struct ", StringComparison.Ordinal)
                && text.Contains("\nSIZE: ", StringComparison.Ordinal), text);
            printed++;
        }
        Assert.True(printed > 3000, $"{printed} types printed");
    }

    [SkippableFact]
    // Any command line: an answer or crash's message, never an exception out of the session.
    public void RandomCommandLinesNeverEscape()
    {
        var dump = RealData.Kernel(RealData.Kernel612, "vmcore.elf");
        var mem = RealData.OpenMemory(dump);
        using var session = new CrashSession(mem, dump, null, TextWriter.Null);
        var words = Gen.OneOf(
            Gen.Const("sym"), Gen.Const("rd"), Gen.Const("log"), Gen.Const("sys"), Gen.Const("help"), Gen.Const("struct"), Gen.Const("union"), Gen.Const("p"),
            Gen.Const("list_head"), Gen.Const("list_head.next"), Gen.Const("init_task.comm"), Gen.Const("-o"), Gen.Const("task_struct.pid,comm"),
            Gen.Const("-8"), Gen.Const("-16"), Gen.Const("-32"), Gen.Const("-64"), Gen.Const("-x"), Gen.Const("-s"),
            Gen.Const("-T"), Gen.Const("-m"), Gen.Const("-l"), Gen.Const("panic"), Gen.Const("jiffies_64"),
            Gen.ULong.Select(v => v.ToString("x")), Gen.Int[-5, 40].Select(i => i.ToString()), Gen.String[0, 6], Gen.Const("\""));
        words.Array[0, 5].Select(w => string.Join(' ', w)).Sample(line =>
        {
            if (line.Contains('>')) return; // no files
            session.Execute(line);
        }, iter: 1000);
    }
}
