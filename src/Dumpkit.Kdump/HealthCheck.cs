// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text.Json;
using Dumpkit.Kexec;

namespace Dumpkit.Kdump;

/// <summary>One thing a dump needs: its name, whether it is a problem, and what was found.</summary>
public sealed record HealthItem(string Name, bool Ok, string Detail);

/// <summary>
/// Everything a dump needs, checked without loading anything (<c>kdump test</c> and <c>kdump status</c>):
/// the configuration's keys, kexec in the running kernel, the crashkernel= memory against the estimate,
/// the capture kernel and initramfs (present, loadable, newer than the kernel and, for dumpkit's own
/// initramfs, built from the configuration and module tree there are now: its stamp), KDUMP_KEXEC_ARGS and MAKEDUMP_ARGS through the parsers load and
/// the dump job use, and the target: reachable, writable, with room for the expected dump.
/// </summary>
public sealed class HealthCheck
{
    public List<HealthItem> Items { get; } = [];
    public EstimateReport Estimate { get; }
    public IEnumerable<HealthItem> Problems => Items.Where(i => !i.Ok);

    private HealthCheck(EstimateReport estimate) => Estimate = estimate;

    private void Add(string name, string? problem, string okDetail) => Items.Add(new(name, problem is null, problem ?? okDetail));

    public static HealthCheck Run(KdumpPlan plan, KexecHost host, ProgramRunner runner, bool census)
    {
        var c = plan.Config;
        var h = new HealthCheck(EstimateReport.Make(plan, host, census));
        var refused = KdumpKeys.Refusals(c).Concat(KdumpKeys.Orphans(c)).ToList();
        h.Add("configuration", refused.Count == 0 ? null : string.Join("; ", refused),
            $"{c.Source ?? "(no file, defaults)"}: every key honoured");
        h.Add("kexec", host.ReadSystemFile("/sys/kernel/kexec_crash_size") is null
            ? "the running kernel has no kexec crash support (no /sys/kernel/kexec_crash_size: CONFIG_KEXEC_FILE and CONFIG_CRASH_DUMP)"
            : null, "the running kernel can load a crash kernel");
        h.Add("crashkernel", CrashMemoryProblem(host, h.Estimate), h.Estimate.ReservedText());
        h.Add("capture kernel", KernelProblem(plan), $"{plan.Kernel}");
        h.Add("capture initramfs", InitrdProblem(plan, host), plan.Initrd ?? "(none)");
        h.Add("fits", FitProblem(plan, host), host.CrashSize is > 0 && File.Exists(plan.Kernel)
            ? "kernel and initramfs fit in the reserved memory" : "not checked (no kernel or no reserved memory)");
        h.Add("KDUMP_KEXEC_ARGS", plan.KexecArgsProblem(), c.KexecArgs.Length == 0 ? "(none)" : string.Join(' ', c.KexecArgs));
        h.Add("MAKEDUMP_ARGS", MakedumpArgsProblem(c), $"\"{c.MakedumpArgs}\" makes a dump");
        if (c.Get("KDUMP_S3") is not null && c.TargetConflict is null)
        {
            var (s3Problem, s3Detail, incomplete) = S3.S3Health.Check(c, writeProbe: census);
            h.Add("target", s3Problem, s3Detail);
            h.Add("s3 uploads", incomplete.Count == 0 ? null : string.Join("; ", incomplete),
                s3Problem is null ? "no incomplete upload" : "not checked");
            return h;
        }
        var (targetProblem, targetDetail) = c.TargetConflict is { } conflict
            ? (conflict, "")
            : c.Nfs is not null ? NfsTargetCheck(c, runner, h.Estimate)
            : c.Ssh is null ? LocalTarget(c, h.Estimate) : SshTarget(c, runner, h.Estimate);
        h.Add("target", targetProblem, targetDetail);
        return h;
    }

    private static string? CrashMemoryProblem(KexecHost host, EstimateReport e) => host.CrashSize switch
    {
        null => null,
        0 => $"no memory is reserved for a crash kernel: boot with {e.Crashkernel?.Parameter ?? "crashkernel=SIZE"} (dumpkit kdump install)",
        long r when e.Crashkernel is { } k && r < k.Bytes =>
            $"crashkernel= reserved {SystemFacts.Mib(r)}, less than the {k.Bytes / CrashkernelEstimate.Mib} MiB estimated: " +
            $"boot with {k.Parameter} (dumpkit kdump estimate)",
        _ => null,
    };

    private static string? KernelProblem(KdumpPlan plan)
    {
        if (!File.Exists(plan.Kernel))
            return $"{plan.Kernel}: kdump kernel not found (set KDUMP_KERNEL)";
        return BzImage.CheckFile(plan.Kernel, out _) is { } why ? $"{plan.Kernel}: {why}" : null;
    }

    private static string? InitrdProblem(KdumpPlan plan, KexecHost host)
    {
        if (plan.Initrd is null) return null;
        if (!File.Exists(plan.Initrd))
            return $"{plan.Initrd}: kdump initrd not found (set KDUMP_INITRD)";
        if (InitrdImage.IdentifyFile(plan.Initrd) is null)
            return $"{plan.Initrd}: not a cpio archive or a compressed one";
        var built = File.GetLastWriteTimeUtc(plan.Initrd);
        if (File.Exists(plan.Kernel) && built < File.GetLastWriteTimeUtc(plan.Kernel))
            return $"{plan.Initrd}: older than the kernel {plan.Kernel}: rebuild it (dumpkit kdump install)";
        bool own = plan.Initrd == host.SystemPath(KdumpPlan.OwnInitrdPath(plan.Release));
        if (own && plan.InitrdChange(host) is { } change)
            return $"{plan.Initrd}: stale: {change} since it was built: dumpkit kdump load rebuilds it";
        // an image without a stamp (an older dumpkit's): its age against the configuration's
        if (own && Initrd.InitrdStamp.Read(plan.Initrd) is null && plan.Config.Source is { } source && File.Exists(source)
            && built < File.GetLastWriteTimeUtc(source))
            return $"{plan.Initrd}: older than {source}, whose settings it carries: rebuild it (dumpkit kdump install)";
        return null;
    }

    private static string? FitProblem(KdumpPlan plan, KexecHost host)
    {
        if (plan.Initrd is null || !File.Exists(plan.Initrd) || !File.Exists(plan.Kernel) || host.CrashSize is not (> 0 and long size))
            return null;
        long need = new FileInfo(plan.Kernel).Length + new FileInfo(plan.Initrd).Length;
        return need >= size ? $"kernel and initrd ({KexecErrors.Mib(need)}) do not fit in the {KexecErrors.Mib(size)} reserved by crashkernel=" : null;
    }

    /// <summary>What the dump job would say of MAKEDUMP_ARGS in the capture kernel, or null when it makes a dump.</summary>
    internal static string? MakedumpArgsProblem(KdumpConfig c)
    {
        var args = c.MakedumpArgs.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        string[] files = args.Contains("-F") ? ["/proc/vmcore"] : ["/proc/vmcore", "dump"];
        try
        {
            Makedumpfile.MakedumpfileCommand.ParseDumpJob([.. args, .. files]);
            return null;
        }
        catch (Makedumpfile.UsageException e)
        {
            return $"MAKEDUMP_ARGS=\"{c.MakedumpArgs}\" makes no dump: {e.Message} (savecore would copy the whole vmcore instead)";
        }
    }

    private static string Room(long available, EstimateReport e) =>
        $"{SystemFacts.Mib(available)} free" + (e.ExpectedDumpBytes is long d ? $", the dump needs at most {SystemFacts.Mib(d)}" : "");

    /// <summary>KDUMP_COREDIR on this machine: the directory or its nearest existing parent, writable, with room.</summary>
    private static (string?, string) LocalTarget(KdumpConfig c, EstimateReport e)
    {
        string dir = c.CoreDir;
        string existing = dir;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
                return ($"{existing}: {Cli.SystemErrors.StrError(Cli.SystemErrors.Enotdir)} (KDUMP_COREDIR={dir})", dir);
            string? parent = Path.GetDirectoryName(existing);
            if (parent is null || parent == existing) return ($"{dir}: no such directory and no parent to create it in", dir);
            existing = parent;
        }
        int errno = NativeFs.Available(existing, out long available, out bool readOnly);
        if (errno != 0)
            return ($"{dir}: {Cli.SystemErrors.StrError(errno)}", dir);
        if (readOnly)
            return ($"{existing}: {Cli.SystemErrors.StrError(30)} (KDUMP_COREDIR={dir})", dir);
        var mode = OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(existing);
        if (existing == dir && (mode & UnixFileMode.OtherWrite) != 0 && (mode & UnixFileMode.StickyBit) == 0)
            return ($"{dir} is writable by other users and not sticky: savecore refuses it (chmod o-w or +t)", dir);
        if (e.ExpectedDumpBytes is long need && available < need)
            return ($"{dir}: {Room(available, e)}: no room for the expected dump", dir);
        return (null, $"{dir}: {Room(available, e)}");
    }

    /// <summary>SSH=user@host: ssh reaches it without a password and says how much room KDUMP_COREDIR has there.</summary>
    private static (string?, string) SshTarget(KdumpConfig c, ProgramRunner runner, EstimateReport e)
    {
        string where = $"{c.Ssh}:{c.CoreDir}";
        string? ssh = runner.Find(c.SshCommand);
        if (ssh is null)
            return ($"SSH={c.Ssh}: {c.SshCommand}: the ssh client is not installed (KDUMP_SSH_COMMAND)", where);
        List<string> args = ["-o", "BatchMode=yes", "-o", "ConnectTimeout=10"];
        if (c.SshKey is { } key) args.AddRange(["-i", key]);
        args.AddRange([c.Ssh!, "df", "-Pk", c.CoreDir]);
        var r = runner.Run(ssh, args);
        if (r.ExitCode != 0)
            return ($"SSH={c.Ssh}: the target is not reachable or {c.CoreDir} is missing there: {r.LastLine} (ssh exit {r.ExitCode})", where);
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var words = lines.Length >= 2 ? lines[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        if (words.Length < 4 || !long.TryParse(words[3], NumberStyles.None, CultureInfo.InvariantCulture, out long kb))
            return ($"SSH={c.Ssh}: cannot read the room in {c.CoreDir} from df -Pk there", where);
        long available = kb * 1024;
        if (e.ExpectedDumpBytes is long need && available < need)
            return ($"{where}: {Room(available, e)}: no room for the expected dump", where);
        return (null, $"{where}: {Room(available, e)}");
    }

    /// <summary>
    /// NFS=HOST:/EXPORT: mounted once on a private temporary directory (short timeouts, so that an absent server does not
    /// hold the check for minutes), its room read with statvfs, unmounted. Where this machine cannot mount it (no NFS client
    /// in the running kernel, not root) the check says what it could not check, without calling it a problem.
    /// </summary>
    private static (string?, string) NfsTargetCheck(KdumpConfig c, ProgramRunner runner, EstimateReport e)
    {
        var nfs = NfsTarget.FromConfig(c, out string? problem);
        if (nfs is null) return (problem, "");
        string? address = nfs.Address(out string? why);
        if (address is null) return ($"NFS={nfs.Spec}: {why}", nfs.Spec);
        string dir;
        try
        {
            dir = Directory.CreateTempSubdirectory("dumpkit-nfs-").FullName;
        }
        catch (Exception x) when (x is IOException or UnauthorizedAccessException)
        {
            return (null, $"{nfs.Spec}: not checked: no temporary mount point ({Cli.SystemErrors.Message(x)})");
        }
        try
        {
            int errno = nfs.MountOnce(runner, address, dir, out string vers, timeo: CheckTimeo, retrans: 1);
            if (errno is Eperm or Enodev)
                return (null, $"{nfs.Spec}: not checked: mount: {Cli.SystemErrors.StrError(errno)}" +
                    (errno == Eperm ? " (mounting needs root)" : " (no NFS client in the running kernel)"));
            if (errno != 0)
                return ($"NFS={nfs.Spec}: the export cannot be mounted: {Cli.SystemErrors.StrError(errno)}", nfs.Spec);
            try
            {
                int err = NativeFs.Available(dir, out long available, out bool readOnly);
                if (err != 0) return ($"NFS={nfs.Spec}: {Cli.SystemErrors.StrError(err)}", nfs.Spec);
                if (readOnly) return ($"NFS={nfs.Spec}: {Cli.SystemErrors.StrError(30)}", nfs.Spec);
                if (e.ExpectedDumpBytes is long need && available < need)
                    return ($"NFS={nfs.Spec}: {Room(available, e)}: no room for the expected dump", nfs.Spec);
                return (null, $"{nfs.Spec} (NFSv{vers}): {Room(available, e)}");
            }
            finally
            {
                runner.Unmount(dir);
            }
        }
        finally
        {
            try { Directory.Delete(dir); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private const int Eperm = 1, Enodev = 19, CheckTimeo = 50;

    public void WriteJson(Utf8JsonWriter j)
    {
        j.WriteStartArray("checks");
        foreach (var i in Items)
        {
            j.WriteStartObject();
            j.WriteString("name", i.Name);
            j.WriteBoolean("ok", i.Ok);
            j.WriteString("detail", i.Detail);
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WritePropertyName("estimate");
        Estimate.WriteJson(j);
    }
}
