using System.Diagnostics;

namespace Dumpkit.Formats.Tests.Support;

/// <summary>
/// Where the real vmcores and the reference tools are. The vmcores of ../shared/vmcores are
/// shipped zstd-compressed; .ci/run restores them and points DUMPKIT_VMCORES at the result.
/// Tests that need them skip, saying why, when they are absent.
/// </summary>
public static class RealData
{
    public static readonly string[] Kernels = ["6.1.0-56-amd64", "6.12.117+deb12-amd64"];

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

    public static string Kernel(string kver, string file)
    {
        Skip.If(VmcoresDir is null, "real vmcores not found: set DUMPKIT_VMCORES to the output of ../shared/vmcores/decompress.sh (.ci/run does)");
        var p = Path.Combine(VmcoresDir!, kver, file);
        Skip.IfNot(File.Exists(p), $"{p} is not in this corpus");
        return p;
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
