// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using Dumpkit.Cli;
using Dumpkit.Crash.Prompt;
using Dumpkit.Formats;
using Dumpkit.Formats.IO;
using Dumpkit.Kernel;

namespace Dumpkit.Crash;

/// <summary>
/// <c>dumpkit crash [-s] [-i FILE] [VMLINUX] VMCORE</c>: analyse a kernel crash dump with what the
/// dump itself holds (VMCOREINFO, kallsyms, BTF). Commands come from the <c>crash&gt; </c> prompt,
/// from a pipe on stdin, or from <c>-i FILE</c> (then stdin); <c>q</c> ends the session.
/// </summary>
public static class CrashCommand
{
    /// <summary>An input file (-i) of commands larger than this is not one (or an endless file such as /dev/zero).</summary>
    private const int MaxInputFile = 16 << 20;

    private const string UsageText =
        "Usage:\n  crash [-s] [-i FILE] [VMLINUX] VMCORE\n  crash [-s] [-i FILE] [VMLINUX] SPLIT-DUMPFILE1 SPLIT-DUMPFILE2 ...\n" +
        "  crash --triage VMCORE...\n  VMLINUX is optional: symbols and types are read from the dump (kallsyms, BTF).";

    public static int Run(string[] args)
    {
        if (args.Contains("--triage"))
            return Run(args, TextReader.Null, Console.Out, Console.Error, interactive: false);
        if (Console.IsInputRedirected || !RawTerminal.TrySave())
            return Run(args, new ConsoleInput(), Console.Out, Console.Error, !Console.IsInputRedirected);
        // A terminal: the line editor in raw mode; the terminal's settings come back after each line, and on a signal
        // that ends the process. Ctrl-C while a command runs does not end the session (the command runs to its end).
        void OnSignal(PosixSignalContext c) => RawTerminal.Restore();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);
        var editor = new LineEditor(RawTerminal.ReadByte, Console.Out, new CommandHistory(CommandHistory.DefaultPath()));
        string? ReadLine(string prompt)
        {
            if (!RawTerminal.EnterRaw())
            {
                Console.Out.Write(prompt);
                Console.Out.Flush();
                return Console.In.ReadLine();
            }
            try { return editor.ReadLine(prompt); }
            finally { RawTerminal.Restore(); }
        }
        return Run(args, TextReader.Null, Console.Out, Console.Error, interactive: true, ReadLine);
    }

    /// <summary>
    /// Console.In taken at the first line read: the runtime sets a terminal up (keypad mode) when Console.In is
    /// first touched, which only the prompt needs (not --help, not an error before it).
    /// </summary>
    private sealed class ConsoleInput : TextReader
    {
        public override string? ReadLine() => Console.In.ReadLine();
        public override int Read() => Console.In.Read();
        public override int Peek() => Console.In.Peek();
    }

    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error, bool interactive) =>
        Run(args, input, output, error, interactive, null);

    /// <summary>As above; <paramref name="prompted"/>, when given, reads each interactive line (the prompt is its argument).</summary>
    internal static int Run(string[] args, TextReader input, TextWriter output, TextWriter error, bool interactive,
        Func<string, string?>? prompted)
    {
        if (Array.IndexOf(args, "--triage") is int triage and >= 0)
            return Triage.TriageCommand.Run([.. args[..triage], .. args[(triage + 1)..]], output, error);
        bool silent = false;
        string? inputFile = null;
        var files = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            switch (a)
            {
                case "-s": silent = true; break;
                case "-i":
                    if (++i >= args.Length) { error.WriteLine(UsageText); return 1; }
                    inputFile = args[i];
                    break;
                case "-h" or "--help":
                    output.WriteLine(UsageText);
                    return 0;
                default:
                    if (a.StartsWith('-') && a.Length > 1)
                    {
                        error.WriteLine($"crash: invalid option -- '{a[1..]}'");
                        error.WriteLine(UsageText);
                        return 1;
                    }
                    files.Add(a);
                    break;
            }
        }
        if (files.Count == 0)
        {
            error.WriteLine(UsageText);
            return 1;
        }
        // crash's order: [VMLINUX] DUMPFILE..., several dump files being the parts of one --split set; the first
        // file is the vmlinux unless it is a dump itself (kdump-compressed, flattened or an ELF core)
        string? vmlinux = files.Count >= 2 && !DumpFiles.LooksLikeDump(files[0]) ? files[0] : null;
        IReadOnlyList<string> dumpPaths = vmlinux is null ? files : files.Skip(1).ToList();
        if (vmlinux is not null && !File.Exists(vmlinux))
        {
            error.WriteLine($"crash: {vmlinux}: No such file or directory");
            return 1;
        }

        CrashSession session;
        try
        {
            session = Open(dumpPaths, vmlinux, output);
        }
        catch (Exception e) when (IsOpenFailure(e))
        {
            error.WriteLine(OpenFailure(e, dumpPaths[0]));
            return 1;
        }

        using (session)
        {
            if (!silent)
            {
                output.WriteLine();
                output.WriteLine("dumpkit crash: symbols (kallsyms) and types (BTF) read from the dump");
                output.WriteLine();
                session.Execute("sys");
                output.WriteLine();
            }
            if (inputFile is not null)
            {
                string[] lines;
                try { lines = BoundedFile.ReadAllText(inputFile, MaxInputFile).ReplaceLineEndings("\n").Split('\n'); }
                catch (Exception e) when (SystemErrors.IsOpenFailure(e))
                {
                    error.WriteLine($"crash: {inputFile}: {SystemErrors.Message(e, inputFile)}");
                    return 1;
                }
                if (lines.Length > 0 && lines[^1].Length == 0) lines = lines[..^1];
                foreach (var line in lines)
                    if (!session.Execute(line))
                        return 0;
            }
            while (true)
            {
                if (prompted is not null)
                {
                    if (prompted("crash> ") is not string edited)
                        return 0;
                    if (!session.Execute(edited))
                        return 0;
                    continue;
                }
                if (interactive)
                {
                    output.Write("crash> ");
                    output.Flush();
                }
                var line = input.ReadLine();
                if (line is null)
                {
                    if (interactive) output.WriteLine();
                    return 0;
                }
                if (!session.Execute(line))
                    return 0;
            }
        }
    }

    /// <summary>The failures of Open that are the dump's (or the system's), not a bug.</summary>
    internal static bool IsOpenFailure(Exception e) =>
        e is IOException or UnauthorizedAccessException or DumpFormatException or KernelDataException or InvalidDataException;

    /// <summary>crash's one line for a dump that cannot be opened (<paramref name="dumpPath"/>: the file it names unless the error does).</summary>
    internal static string OpenFailure(Exception e, string dumpPath)
    {
        dumpPath = e switch
        {
            DumpFormatException f => f.FilePath,
            FileOpenException o => o.FilePath,
            FileNotFoundException { FileName: string name } => name,
            _ => dumpPath,
        };
        // Format errors name the file already; the system's errors are strerror's words, never the runtime's.
        string text = e is DumpFormatException or KernelDataException ? e.Message : SystemErrors.Message(e, dumpPath);
        return text.StartsWith(dumpPath, StringComparison.Ordinal) ? $"crash: {text}" : $"crash: {dumpPath}: {text}";
    }

    internal static CrashSession Open(string dumpPath, string? vmlinux, TextWriter output) => Open([dumpPath], vmlinux, output);

    /// <summary>A session on one dump file, or on every part of a split set (any order).</summary>
    internal static CrashSession Open(IReadOnlyList<string> dumpPaths, string? vmlinux, TextWriter output)
    {
        foreach (var dumpPath in dumpPaths)
        {
            // crash's words: a directory is no dump, a missing file is strerror's
            if (Directory.Exists(dumpPath))
                throw new DumpFormatException(dumpPath, null, "not a supported file format");
            DumpFiles.RefuseSpecial(dumpPath);
            if (!File.Exists(dumpPath))
                throw new FileNotFoundException(null, dumpPath);
        }
        var dump = DumpReader.Open(dumpPaths);
        try
        {
            DumpFiles.CheckComplete(dump, dumpPaths);
            var text = dump.VmcoreinfoText ?? throw new KernelDataException("the dump has no VMCOREINFO");
            var memory = new KernelMemory(dump, Vmcoreinfo.Parse(text));
            var session = new CrashSession(memory, dumpPaths, vmlinux, output);
            _ = session.Symbols; // fail now, with one line, when the dump has no usable kallsyms
            return session;
        }
        catch (CommandException e)
        {
            dump.Dispose();
            throw new KernelDataException(e.Message.Replace("crash: ", "", StringComparison.Ordinal));
        }
        catch
        {
            dump.Dispose();
            throw;
        }
    }
}
