// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using Dumpkit.Formats;

namespace Dumpkit.Testing;

/// <summary>
/// Where the real vmcores and the reference tools are. The vmcores of ../shared/vmcores are
/// shipped zstd-compressed; .ci/run restores them and points DUMPKIT_VMCORES at the result.
/// Tests that need them skip, saying why, when they are absent.
/// </summary>
public static class RealData
{
    /// <summary>The corpus vmcores' kernels (../shared/vmcores).</summary>
    public const string Kernel61 = "6.1.0-56-amd64";
    public const string Kernel612 = "6.12.117+deb12-amd64";

    /// <summary>The kernels of the dumps whose log holds every task's stack (../shared/crash-dumps).</summary>
    public const string CrashKernel61 = "6.1.0-57-amd64";
    public const string CrashKernel612 = "6.12.118+deb12-amd64";

    /// <summary>Debian sid's 7.2 kernel, made with tests/lab/sysrq-dump-7.2.sh; not in ../shared: its tests skip unless it is restored there too.</summary>
    public const string CrashKernel72 = "7.2.13+deb14-amd64";

    public static readonly string[] Kernels = [Kernel61, Kernel612];

    public static string? VmcoresDir
    {
        get
        {
            var d = Environment.GetEnvironmentVariable("DUMPKIT_VMCORES");
            if (string.IsNullOrEmpty(d) && Directory.Exists("/work/vmcores")) d = "/work/vmcores";
            return !string.IsNullOrEmpty(d) && Directory.Exists(d) ? d : null;
        }
    }

    /// <summary>../shared next to the repository (text references: dmesg, ground truth).</summary>
    public static string? SharedDir
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dumpkit.slnx")))
                dir = dir.Parent;
            if (dir?.Parent is null) return null;
            var shared = Path.Combine(dir.Parent.FullName, "shared");
            return Directory.Exists(shared) ? shared : null;
        }
    }

    /// <summary>
    /// The restored dumps of ../shared/crash-dumps: DUMPKIT_CRASH_DUMPS, else a crash-dumps folder
    /// beside the vmcores folder (test.sh restores both under DUMPKIT_DATA).
    /// </summary>
    public static string? CrashDumpsDir
    {
        get
        {
            var d = Environment.GetEnvironmentVariable("DUMPKIT_CRASH_DUMPS");
            if (!string.IsNullOrEmpty(d))
                return Directory.Exists(d) ? d : null;
            if (VmcoresDir is string v && Path.GetDirectoryName(Path.GetFullPath(v).TrimEnd('/')) is string parent
                && Directory.Exists(Path.Combine(parent, "crash-dumps")))
                return Path.Combine(parent, "crash-dumps");
            return null;
        }
    }

    /// <summary>FILE of a corpus kernel: a restored dump, or a text reference shipped in ../shared/vmcores; else the test skips.</summary>
    public static string Kernel(string kver, string file) =>
        Find(VmcoresDir, "vmcores", kver, file,
            "real vmcores not found: set DUMPKIT_VMCORES to the output of ../shared/vmcores/decompress.sh (.ci/run does)");

    /// <summary>FILE of a crash-dumps kernel (<see cref="CrashKernel61"/>, <see cref="CrashKernel612"/>); else the test skips.</summary>
    public static string CrashDump(string kver, string file) =>
        Find(CrashDumpsDir, "crash-dumps", kver, file,
            "crash dumps not found: set DUMPKIT_CRASH_DUMPS to the output of ../shared/crash-dumps/decompress.sh (.ci/run does)");

    private static string Find(string? restored, string sharedFolder, string kver, string file, string whyNot)
    {
        foreach (var root in new[] { restored, SharedDir is string s ? Path.Combine(s, sharedFolder) : null })
        {
            if (root is null) continue;
            var p = Path.Combine(root, kver, file);
            if (File.Exists(p))
                return p;
        }
        Skip.If(restored is null, whyNot);
        Skip.If(true, $"{kver}/{file} is not in this corpus");
        return "";
    }

    /// <summary>A corpus kernel's ELF vmcore and its VMCOREINFO.</summary>
    public static (DumpReader Dump, Vmcoreinfo Info) OpenVmcore(string kver)
    {
        var dump = DumpReader.Open(Kernel(kver, "vmcore.elf"));
        var text = dump.VmcoreinfoText ?? throw new InvalidOperationException("no VMCOREINFO");
        return (dump, Vmcoreinfo.Parse(text));
    }

    /// <summary>The crashed kernel's memory in a dump.</summary>
    public static Kernel.KernelMemory OpenMemory(string path)
    {
        var dump = DumpReader.Open(path);
        var text = dump.VmcoreinfoText ?? throw new InvalidOperationException("no VMCOREINFO");
        return new Kernel.KernelMemory(dump, Vmcoreinfo.Parse(text));
    }

    public static string SharedText(string kver, string file)
    {
        Skip.If(SharedDir is null, "../shared not found");
        var p = Path.Combine(SharedDir!, "vmcores", kver, file);
        Skip.IfNot(File.Exists(p), $"{p} not found");
        return p;
    }

    public static string Tool(string path)
    {
        Skip.IfNot(File.Exists(path), $"{path} is not installed (.ci/run installs it)");
        return path;
    }

    public static string LibkdumpfilePython()
    {
        Tool("/usr/bin/python3");
        var r = Run("/usr/bin/python3", ["-c", "import kdumpfile"]);
        Skip.IfNot(r.ExitCode == 0, "python3-libkdumpfile is not installed (.ci/run installs it)");
        return "/usr/bin/python3";
    }

    public sealed record ProcessResult(int ExitCode, string Out, string Err);

    /// <summary><see cref="Run"/>, or null when the tool is not installed.</summary>
    public static ProcessResult? TryRun(string exe, params string[] args)
    {
        try
        {
            return Run(exe, args, timeoutMs: 60_000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    public static ProcessResult Run(string exe, IEnumerable<string> args, string? stdinFile = null, string? stdoutFile = null,
        int timeoutMs = 300_000)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdinFile is not null,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        Task copyIn = Task.CompletedTask;
        if (stdinFile is not null)
            copyIn = Task.Run(() =>
            {
                using (var f = File.OpenRead(stdinFile)) f.CopyTo(p.StandardInput.BaseStream);
                p.StandardInput.Close();
            });
        Task<string> outText;
        if (stdoutFile is not null)
            outText = Task.Run(() =>
            {
                using (var f = File.Create(stdoutFile)) p.StandardOutput.BaseStream.CopyTo(f);
                return "";
            });
        else
            outText = p.StandardOutput.ReadToEndAsync();
        var errText = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{exe} {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        copyIn.Wait();
        return new ProcessResult(p.ExitCode, outText.Result, errText.Result);
    }

    public static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dumpkit.slnx")))
            dir = dir.Parent;
        return Path.Combine(dir!.FullName, relative);
    }
}
