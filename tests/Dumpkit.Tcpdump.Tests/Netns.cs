// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// Two network namespaces joined by a veth pair (A: 10.200.0.1/24 on the "a" end, B: 10.200.0.2/24),
/// IPv6 off so that no router solicitations or DAD probes appear unasked. Everything started inside
/// is stopped and both namespaces are deleted on Dispose, whatever happened.
/// </summary>
internal sealed partial class Netns : IDisposable
{
    public string A { get; }
    public string B { get; }
    public string VethA { get; }
    public string VethB { get; }
    private readonly List<Process> _procs = [];

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    /// <summary>Null when namespaces can be made here, else why not (the tests then skip with it).</summary>
    public static string? Unavailable(params string[] tools)
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces need Linux";
        if (geteuid() != 0) return "live network-namespace tests need root (they create namespaces and veth pairs); skipped";
        foreach (var t in tools.Prepend("ip"))
            if (Which(t) == null) return $"{t} is not installed (scripts/test-deps.sh installs it); skipped";
        return null;
    }

    public static string? Which(string tool)
    {
        if (tool.StartsWith('/')) return File.Exists(tool) ? tool : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]))
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, tool))) return Path.Combine(dir, tool);
        return null;
    }

    public Netns(string tag)
    {
        string id = $"{tag}{Environment.ProcessId % 100000}";
        A = $"dk{id}A";
        B = $"dk{id}B";
        VethA = $"dk{id}a";
        VethB = $"dk{id}b";
        if (VethA.Length > 15) throw new ArgumentException("interface name too long", nameof(tag));
        try
        {
            Cleanup();
            Must($"ip netns add {A}");
            Must($"ip netns add {B}");
            Must($"ip link add {VethA} type veth peer name {VethB}");
            Must($"ip link set {VethA} netns {A}");
            Must($"ip link set {VethB} netns {B}");
            foreach (var (ns, dev, addr) in new[] { (A, VethA, "10.200.0.1/24"), (B, VethB, "10.200.0.2/24") })
            {
                Must($"ip netns exec {ns} sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 " +
                    $"net.ipv6.conf.{dev}.disable_ipv6=1");
                Must($"ip -n {ns} addr add {addr} dev {dev}");
                Must($"ip -n {ns} link set {dev} up");
                Must($"ip -n {ns} link set lo up");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void Cleanup()
    {
        foreach (var ns in new[] { A, B })
        {
            var (_, pids) = Sh($"ip netns pids {ns} 2>/dev/null");
            foreach (var p in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                if (int.TryParse(p.Trim(), out int pid)) kill(pid, 9);
            Sh($"ip netns del {ns} 2>/dev/null");
        }
    }

    public void Dispose()
    {
        foreach (var p in _procs)
        {
            try { if (!p.HasExited) { p.Kill(); p.WaitForExit(2000); } }
            catch (InvalidOperationException) { }
            p.Dispose();
        }
        _procs.Clear();
        Cleanup();
    }

    /// <summary>Runs a shell command; (exit code, stdout+stderr).</summary>
    public static (int Rc, string Out) Sh(string cmd, int timeoutMs = 30000)
    {
        var psi = new ProcessStartInfo("/bin/sh", ["-c", cmd]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs)) { p.Kill(true); throw new TimeoutException(cmd); }
        return (p.ExitCode, o.Result + e.Result);
    }

    public static string Must(string cmd)
    {
        var (rc, o) = Sh(cmd);
        if (rc != 0) throw new InvalidOperationException($"'{cmd}' failed ({rc}): {o}");
        return o;
    }

    /// <summary>Runs a command in namespace <paramref name="ns"/> and waits for it.</summary>
    public (int Rc, string Out) Exec(string ns, string cmd, int timeoutMs = 30000) => Sh($"ip netns exec {ns} {cmd}", timeoutMs);

    /// <summary>Starts a long-running program in a namespace (stopped on Dispose); stdout and stderr go to files.</summary>
    public BackgroundProcess Start(string ns, string file, IEnumerable<string> args, string outFile, string errFile, bool interruptIgnored = false)
    {
        // interruptIgnored: started as a script's background job is, with SIGINT ignored
        string script = (interruptIgnored ? "trap '' INT; " : "") + "exec ip netns exec \"$0\" \"$@\" >\"$DK_OUT\" 2>\"$DK_ERR\"";
        var psi = new ProcessStartInfo("/bin/sh", ["-c", script, ns, file, .. args]) { UseShellExecute = false };
        psi.Environment["DK_OUT"] = outFile;
        psi.Environment["DK_ERR"] = errFile;
        psi.Environment["TZ"] = "UTC";
        var p = Process.Start(psi)!;
        _procs.Add(p);
        return new BackgroundProcess(p, outFile, errFile);
    }

    internal sealed class BackgroundProcess(Process p, string outFile, string errFile)
    {
        public Process Process => p;
        public string Out => File.Exists(outFile) ? File.ReadAllText(outFile, Encoding.Latin1) : "";
        public string Err => File.Exists(errFile) ? File.ReadAllText(errFile, Encoding.Latin1) : "";

        public void SendInterrupt() => kill(p.Id, 2);

        /// <summary>SIGINT, as a user's ^C; returns the exit code.</summary>
        public int Interrupt(int timeoutMs = 10000)
        {
            if (!p.HasExited) kill(p.Id, 2);
            if (!p.WaitForExit(timeoutMs)) { p.Kill(); throw new TimeoutException("no exit after SIGINT"); }
            return p.ExitCode;
        }

        public int Terminate(int timeoutMs = 10000)
        {
            if (!p.HasExited) kill(p.Id, 15);
            if (!p.WaitForExit(timeoutMs)) { p.Kill(); throw new TimeoutException("no exit after SIGTERM"); }
            return p.ExitCode;
        }
    }

    /// <summary>Runs <paramref name="body"/> on a new thread that has entered namespace <paramref name="ns"/>.</summary>
    public static Task<T> InNamespace<T>(string ns, Func<T> body)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var t = new Thread(() =>
        {
            try
            {
                using (var h = File.OpenHandle($"/run/netns/{ns}"))
                {
                    if (setns((int)h.DangerousGetHandle(), 0x40000000 /* CLONE_NEWNET */) != 0)
                        throw new InvalidOperationException($"setns({ns}): {Marshal.GetLastPInvokeErrorMessage()}");
                }
                tcs.SetResult(body());
            }
            catch (Exception ex) { tcs.SetException(ex); }
        }) { IsBackground = true, Name = $"netns {ns}" };
        t.Start();
        return tcs.Task;
    }

    /// <summary>Waits until <paramref name="cond"/> holds; false on timeout.</summary>
    public static bool WaitFor(Func<bool> cond, int timeoutMs = 10000)
    {
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < timeoutMs)
        {
            if (cond()) return true;
            Thread.Sleep(50);
        }
        return cond();
    }
}
