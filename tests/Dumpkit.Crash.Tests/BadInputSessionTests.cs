// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using CsCheck;

namespace Dumpkit.Crash.Tests;

/// <summary>Bad input at the session: a dump without the kallsyms entries, and random command lines of the task commands.</summary>
public class BadInputSessionTests
{
    /// <summary>crash on a dump it cannot open: exit 1, nothing on stdout, one line on stderr starting "crash: "; that line.</summary>
    private static string TheOneErrorLine(string dump)
    {
        var (o, e, code) = CrashRunner.Ours("sym panic\nq\n", "-s", dump);
        Assert.Equal(1, code);
        Assert.Equal("", o);
        var lines = e.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("crash: ", lines[0], StringComparison.Ordinal);
        return lines[0];
    }

    [SkippableFact]
    // A kernel before 6.0 lists no kallsyms tables in VMCOREINFO: made here from a 6.12 dump by renaming its entries.
    public void AVmcoreinfoWithoutKallsymsGivesOneLineSayingWhatIsMissing()
    {
        var source = RealData.Kernel(RealData.Kernel612, "mdf-c-d31");
        var dir = Directory.CreateTempSubdirectory("dumpkit-nokallsyms-");
        try
        {
            var bytes = File.ReadAllBytes(source);
            var from = Encoding.ASCII.GetBytes("SYMBOL(kallsyms_");
            int renamed = 0;
            for (int i = bytes.AsSpan().IndexOf(from); i >= 0;)
            {
                bytes[i + 7] = (byte)'x'; // SYMBOL(xallsyms_...
                renamed++;
                int next = bytes.AsSpan(i + 1).IndexOf(from);
                i = next < 0 ? -1 : i + 1 + next;
            }
            Assert.True(renamed >= 4, $"{renamed} kallsyms entries renamed");
            var copy = Path.Combine(dir.FullName, "vmcore");
            File.WriteAllBytes(copy, bytes);
            var line = TheOneErrorLine(copy);
            Assert.Contains("SYMBOL(kallsyms_names)", line, StringComparison.Ordinal);
            Assert.Contains("6.0", line, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        }
        finally { dir.Delete(true); }
    }

    [SkippableFact]
    // A dump cut short (a copy onto a full disk): the one line says which file, where, and that its data lies outside it.
    public void ADumpCutShortSaysWhyTheSymbolsCannotBeRead()
    {
        var source = RealData.Kernel(RealData.Kernel61, "mdf-c-d31");
        var dir = Directory.CreateTempSubdirectory("dumpkit-cut-");
        try
        {
            var copy = Path.Combine(dir.FullName, "vmcore");
            using (var from = File.OpenRead(source))
            using (var to = File.Create(copy))
            {
                var head = new byte[3_000_000];
                from.ReadExactly(head);
                to.Write(head);
            }
            var line = TheOneErrorLine(copy);
            Assert.Contains("cannot read the kernel's symbols", line, StringComparison.Ordinal);
            Assert.True(line.Contains($"{copy}: offset 0x", StringComparison.Ordinal), line);
            Assert.True(line.Contains("lies outside the file", StringComparison.Ordinal), line);
        }
        finally { dir.Delete(true); }
    }

    [SkippableFact]
    // bt, ps, foreach, set, runq, mod, dis, kmem with any words: an answer or crash's message, never an exception out of the session.
    public void RandomTaskCommandLinesNeverEscape()
    {
        var dump = RealData.CrashDump(RealData.CrashKernel612, "vmcore.elf");
        var mem = RealData.OpenMemory(dump);
        using var session = new CrashSession(mem, dump, null, TextWriter.Null);
        var command = Gen.OneOf(Gen.Const("bt"), Gen.Const("ps"), Gen.Const("foreach"), Gen.Const("set"), Gen.Const("runq"), Gen.Const("mod"),
            Gen.Const("dis"), Gen.Const("kmem"), Gen.Const("help"), Gen.Const("sym"));
        var word = Gen.OneOf(
            Gen.Const("-a"), Gen.Const("-f"), Gen.Const("-c"), Gen.Const("-p"), Gen.Const("-k"), Gen.Const("-u"), Gen.Const("-G"), Gen.Const("-i"),
            Gen.Const("-r"), Gen.Const("-l"), Gen.Const("bt"), Gen.Const("0"), Gen.Const("1"), Gen.Const("init"), Gen.Const("panic"),
            Gen.Const("'^k.*'"), Gen.Const("'('"), Gen.Const("schedule+0x10"), Gen.Const("-1"), Gen.Const("99999999999999999999"),
            Gen.ULong.Select(v => v.ToString("x")), Gen.ULong[0xffff_8000_0000_0000, ulong.MaxValue].Select(v => v.ToString("x")),
            Gen.Int[-5, 70000].Select(i => i.ToString()), Gen.String[0, 6], Gen.Const("\""));
        Gen.Select(command, word.Array[0, 4]).Select((c, w) => string.Join(' ', w.Prepend(c))).Sample(line =>
        {
            if (line.Contains('>')) return; // no files
            session.Execute(line);
        }, iter: 300, threads: 1); // a session is one user's, not thread-safe: one thread
    }

    [SkippableFact]
    // task, sig, net, vtop, vm, files, rd and their foreach forms with any words: an answer or crash's message, never an exception.
    public void RandomLinesOfTheNewCommandsNeverEscape()
    {
        var dump = RealData.CrashDump(RealData.CrashKernel61, "vmcore.elf");
        var command = Gen.OneOf(Gen.Const("task"), Gen.Const("sig"), Gen.Const("net"), Gen.Const("vtop"), Gen.Const("vm"), Gen.Const("files"),
            Gen.Const("rd"), Gen.Const("foreach"), Gen.Const("foreach 1"), Gen.Const("foreach kernel"));
        var word = Gen.OneOf(
            Gen.Const("-R"), Gen.Const("-x"), Gen.Const("-d"), Gen.Const("-g"), Gen.Const("-l"), Gen.Const("-s"), Gen.Const("-S"), Gen.Const("-a"),
            Gen.Const("-n"), Gen.Const("-c"), Gen.Const("-u"), Gen.Const("-k"), Gen.Const("-m"), Gen.Const("-f"), Gen.Const("-p"), Gen.Const("-Rpid"),
            Gen.Const("-v"), Gen.Const("-P"), Gen.Const("-M"), Gen.Const("-px"), Gen.Const("-R400000"), Gen.Const("/bin/busybox"),
            Gen.Const("pid"), Gen.Const("comm"), Gen.Const("flags,stack"), Gen.Const(","), Gen.Const("task"), Gen.Const("sig"), Gen.Const("set"),
            Gen.Const("net"), Gen.Const("vtop"), Gen.Const("0"), Gen.Const("1"), Gen.Const("-1"), Gen.Const("99999999999999999999"),
            Gen.ULong.Select(v => v.ToString("x")), Gen.ULong[0xffff_8000_0000_0000, ulong.MaxValue].Select(v => v.ToString("x")),
            Gen.ULong[0, 0x7fff_ffff_ffff].Select(v => v.ToString("x")), Gen.Int[-5, 70000].Select(i => i.ToString()), Gen.String[0, 6],
            Gen.Const("\""));
        var output = new StringWriter();
        using var checkedSession = new CrashSession(RealData.OpenMemory(dump), dump, null, output);
        Gen.Select(command, word.Array[0, 4]).Select((c, w) => string.Join(' ', w.Prepend(c))).Sample(line =>
        {
            if (line.Contains('>')) return; // no files
            output.GetStringBuilder().Clear();
            checkedSession.Execute(line);
            var text = output.ToString();
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        }, iter: 200, threads: 1); // one session, one output: one thread
    }

    [SkippableFact]
    // net's and files' options as crash's getopt reads them (clusters, attached values, -N numbers, -d/-p addresses, -R
    // references), on 6.1 and 6.12: an answer or crash's message, never an exception.
    public void RandomNetAndFilesOptionsNeverEscape()
    {
        var command = Gen.OneOf(Gen.Const("net"), Gen.Const("files"), Gen.Const("foreach net"), Gen.Const("foreach files"),
            Gen.Const("foreach 1 files"));
        var word = Gen.OneOf(
            Gen.Const("-s"), Gen.Const("-S"), Gen.Const("-a"), Gen.Const("-n"), Gen.Const("-N"), Gen.Const("-R"), Gen.Const("-x"),
            Gen.Const("-d"), Gen.Const("-p"), Gen.Const("-c"), Gen.Const("-sx"), Gen.Const("-aN"), Gen.Const("-Rconsole"), Gen.Const("-N0x7f000001"),
            Gen.Const("-dff"), Gen.Const("--"), Gen.Const("-"), Gen.Const("-z"), Gen.Const("console"), Gen.Const("/"), Gen.Const("0"), Gen.Const("1"),
            Gen.Const("99999999999999999999"), Gen.Const("0x"), Gen.ULong.Select(v => v.ToString("x")),
            Gen.ULong[0xffff_8000_0000_0000, ulong.MaxValue].Select(v => v.ToString("x")), Gen.UInt.Select(v => v.ToString()),
            Gen.Int[-5, 70000].Select(i => i.ToString()), Gen.String[0, 6]);
        foreach (var kernel in RealData.Kernels)
        {
            var dump = RealData.Kernel(kernel, "vmcore.elf");
            var output = new StringWriter();
            using var checkedSession = new CrashSession(RealData.OpenMemory(dump), dump, null, output);
            Gen.Select(command, word.Array[0, 4]).Select((c, w) => string.Join(' ', w.Prepend(c))).Sample(line =>
            {
                if (line.Contains('>')) return; // no files
                output.GetStringBuilder().Clear();
                checkedSession.Execute(line);
                var text = output.ToString();
                Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
            }, iter: 150, threads: 1); // one session, one output: one thread
        }
    }

    [SkippableFact]
    // Found by the fuzzer above: an empty argument ("dis \"") threw out of dis; crash 8.0.2 prints the usage.
    public void DisOfAnEmptyArgumentIsTheUsage()
    {
        var dump = RealData.Kernel(RealData.Kernel612, "vmcore.elf");
        var (o, _, code) = CrashRunner.Ours("dis \"\nq\n", "-s", dump);
        Assert.Equal(0, code);
        Assert.StartsWith("Usage:\n  dis [-rfludxs]", o, StringComparison.Ordinal);
    }
}
