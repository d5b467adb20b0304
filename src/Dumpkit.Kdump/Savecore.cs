// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text.RegularExpressions;
using Dumpkit.Kexec;
using Dumpkit.Makedumpfile;

namespace Dumpkit.Kdump;

/// <summary>
/// <c>kdump savecore</c>, run in the capture kernel (as kdump-tools' kdump_save_core):
/// KDUMP_COREDIR/STAMP/dmesg.STAMP (makedumpfile --dump-dmesg) and dump.STAMP (makedumpfile
/// MAKEDUMP_ARGS), each written as *-incomplete and renamed when complete; when makedumpfile
/// fails, /proc/vmcore is copied raw to vmcore.STAMP (the partial dump-incomplete stays);
/// after a success, directories beyond KDUMP_NUM_DUMPS are removed, oldest first; after a
/// failure KDUMP_FAIL_CMD runs. The makedumpfile library runs in this process. NFS= mounts the
/// export on KDUMP_COREDIR first and unmounts it after (<see cref="NfsTarget"/>); SSH= streams the dump.
/// </summary>
public sealed partial class Savecore(KdumpConfig config, KexecHost host, string? vmcoreOverride, ProgramRunner? runner = null)
{
    private readonly ProgramRunner _runner = runner ?? ProgramRunner.Default;

    private TextWriter Out => host.Out;
    private TextWriter Err => host.Err;

    [GeneratedRegex(@"^[0-9]{12}(-[0-9]+)?$")]
    private static partial Regex StampDir();

    public string Vmcore => vmcoreOverride ?? config.Vmcore ?? host.SystemPath("/proc/vmcore");

    public int Run()
    {
        string vmcore = Vmcore;
        if (!File.Exists(vmcore))
        {
            Err.WriteLine($"kdump: {vmcore}: no crash dump to save (savecore runs in the capture kernel)");
            return KdumpCommand.NotReady;
        }
        string stamp = host.Now().ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        if (config.TargetConflict is { } conflict)
        {
            Err.WriteLine($"kdump: {conflict}");
            return Fail(null);
        }
        if (config.Get("KDUMP_S3") is not null)
            return RunS3(vmcore, stamp);
        if (config.Ssh is not null)
            return RunRemote(vmcore, stamp);
        if (config.Nfs is not null)
            return RunNfs(vmcore, stamp);
        return SaveLocal(vmcore, stamp, rotate: true);
    }

    /// <summary>
    /// NFS=HOST:/EXPORT, as kdump-tools does it: the export mounted on KDUMP_COREDIR (NFS_MOUNT_RETRY attempts), the
    /// dump saved in KDUMP_COREDIR/STAMP (so EXPORT/STAMP on the server), no rotation, the export unmounted.
    /// </summary>
    private int RunNfs(string vmcore, string stamp)
    {
        var nfs = NfsTarget.FromConfig(config, out string? problem);
        if (nfs is null)
        {
            Err.WriteLine($"kdump: {problem}");
            return Fail(null);
        }
        try
        {
            Directory.CreateDirectory(config.CoreDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Err.WriteLine($"kdump: {config.CoreDir}: cannot create the mount point: {Cli.SystemErrors.Message(e, config.CoreDir)}");
            return Fail(null);
        }
        if (!nfs.Mount(_runner, config.CoreDir, Out, Err))
            return Fail(null);
        Out.WriteLine($"kdump: Dumping to NFS mountpoint {nfs.Spec}/{stamp}");
        int result = SaveLocal(vmcore, stamp, rotate: false);
        int errno = _runner.Unmount(config.CoreDir);
        if (errno != 0)
            Err.WriteLine($"kdump: Unable to cleanly unmount the NFS file system: umount {config.CoreDir}: {Cli.SystemErrors.StrError(errno)}");
        return result;
    }

    /// <summary>The dump saved in KDUMP_COREDIR/STAMP; <paramref name="rotate"/>: then KDUMP_NUM_DUMPS applied.</summary>
    private int SaveLocal(string vmcore, string stamp, bool rotate)
    {
        string dir;
        try
        {
            dir = MakeStampDir(config.CoreDir, stamp);
        }
        catch (UnsafeDirectoryException e)
        {
            Err.WriteLine($"kdump: {e.Message}");
            return Fail(null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Err.WriteLine($"kdump: {config.CoreDir}: cannot create the dump directory: {Cli.SystemErrors.Message(e, config.CoreDir)}");
            return Fail(null);
        }
        Out.WriteLine($"kdump: saving {vmcore} to {dir}");

        if (config.DumpDmesg)
            SaveDmesg(vmcore, dir, stamp);

        string dumpTemp = Path.Combine(dir, "dump-incomplete");
        string dumpFile = Path.Combine(dir, $"dump.{stamp}");
        int rc = RunMakedumpfile(vmcore, dumpTemp);
        int result;
        if (rc == 0)
        {
            File.Move(dumpTemp, dumpFile);
            result = KdumpCommand.Ok;
            Out.WriteLine($"kdump: saved vmcore in {dir} ({dumpFile})");
        }
        else
        {
            Err.WriteLine($"kdump: makedumpfile {config.MakedumpArgs} failed, falling back to copying {vmcore}" +
                          (File.Exists(dumpTemp) ? $" (the partial dump stays as {dumpTemp})" : ""));
            string rawTemp = Path.Combine(dir, "vmcore-incomplete");
            string rawFile = Path.Combine(dir, $"vmcore.{stamp}");
            if (!CopyRaw(vmcore, rawTemp))
                return Fail(dir);
            File.Move(rawTemp, rawFile);
            result = KdumpCommand.RawOnly;
            Out.WriteLine($"kdump: saved the unfiltered vmcore in {dir} ({rawFile})");
        }
        host.Sys.Sync();
        if (rotate) Rotate(dir);
        return result;
    }

    /// <summary>
    /// KDUMP_COREDIR/STAMP made by this process with mkdir(2), owner-only (0700): an existing directory of that
    /// name, even an empty one, is never reused (another user may own it or have a link waiting in it), the next
    /// STAMP-N is taken instead. Files are then created only inside a directory nobody else can write to. A core
    /// directory others can write to is refused unless it is sticky (/tmp-like, as Ubuntu's 1777 /var/crash),
    /// where only a warning is given: there nobody else can rename or replace the stamp directory.
    /// </summary>
    private string MakeStampDir(string coreDir, string stamp)
    {
        Directory.CreateDirectory(coreDir);
        var mode = OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(coreDir);
        if ((mode & UnixFileMode.OtherWrite) != 0)
        {
            if ((mode & UnixFileMode.StickyBit) == 0)
                throw new UnsafeDirectoryException($"{coreDir} is writable by other users (mode {Convert.ToString((int)mode, 8)}); " +
                    "another user could replace the dump directory: chmod o-w or +t it");
            Err.WriteLine($"kdump: warning: {coreDir} is writable by other users (mode {Convert.ToString((int)mode, 8)}, sticky)");
        }
        for (int n = 1; n < 1000; n++)
        {
            string dir = Path.Combine(coreDir, n == 1 ? stamp : $"{stamp}-{n}");
            int errno = Native.MakeDirectory(dir, 0x1c0);
            if (errno == 0)
                return dir;
            if (errno != Cli.SystemErrors.Eexist)
                throw new IOException($"{dir}: {Cli.SystemErrors.StrError(errno)}");
        }
        throw new IOException($"{Path.Combine(coreDir, stamp)}-999: {Cli.SystemErrors.StrError(Cli.SystemErrors.Eexist)}");
    }

    private void SaveDmesg(string vmcore, string dir, string stamp)
    {
        string temp = Path.Combine(dir, "dmesg-incomplete");
        int rc = SaveLog(vmcore, temp);
        if (rc == 0 && File.Exists(temp))
        {
            File.Move(temp, Path.Combine(dir, $"dmesg.{stamp}"));
            Out.WriteLine($"kdump: saved the kernel log in {Path.Combine(dir, $"dmesg.{stamp}")}");
        }
        else
            Err.WriteLine("kdump: makedumpfile --dump-dmesg failed; dmesg content will be unavailable");
    }

    private int RunMakedumpfile(string vmcore, string output)
    {
        var args = MakedumpArgs();
        if (args.Contains("-F"))
        {
            // flattened: makedumpfile writes the stream to stdout
            try
            {
                using var stream = new FileStream(output, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
                int rc = Makedumpfile([.. args, vmcore], stream);
                stream.Flush(flushToDisk: true);
                return rc;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Err.WriteLine($"kdump: {output}: {Cli.SystemErrors.Message(e, output)}");
                return 1;
            }
        }
        return Makedumpfile([.. args, vmcore, output], null);
    }

    private string[] MakedumpArgs() => config.MakedumpArgs.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The dump job MAKEDUMP_ARGS asks for (makedumpfile's syntax, VMCORE and DUMPFILE among
    /// <paramref name="args"/>), run in-process; a line that makes no dump, or any exception,
    /// counts as a failure.
    /// </summary>
    private int Makedumpfile(string[] args, Stream? stdout)
    {
        Out.WriteLine($"kdump: makedumpfile {string.Join(' ', args)}");
        DumpJob job;
        try
        {
            job = MakedumpfileCommand.ParseDumpJob(args, stdout);
        }
        catch (UsageException e)
        {
            Err.WriteLine($"kdump: MAKEDUMP_ARGS: {e.Message}");
            return 1;
        }
        return RunJob(() => job.Run(Out, Err));
    }

    /// <summary>The kernel log into <paramref name="output"/> (makedumpfile --dump-dmesg).</summary>
    private int SaveLog(string vmcore, string output)
    {
        Out.WriteLine($"kdump: makedumpfile --dump-dmesg {vmcore} {output}");
        return RunJob(() => new DmesgJob { Input = vmcore, Output = output }.Run(Out, Err));
    }

    private int RunJob(Func<int> run)
    {
        try
        {
            return run();
        }
        catch (Exception e)
        {
            Err.WriteLine($"kdump: makedumpfile failed: {Cli.SystemErrors.Message(e)}");
            return 1;
        }
    }

    private bool CopyRaw(string vmcore, string temp)
    {
        Out.WriteLine($"kdump: copying {vmcore} to {temp}");
        try
        {
            using var src = new FileStream(vmcore, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var dst = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            src.CopyTo(dst, 1 << 20);
            dst.Flush(flushToDisk: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Err.WriteLine($"kdump: copying {vmcore} to {temp} failed: {Cli.SystemErrors.Message(e)}" +
                          (File.Exists(temp) ? $" (the partial copy stays as {temp})" : ""));
            return false;
        }
    }

    private void Rotate(string current)
    {
        int keep = config.NumDumps;
        if (keep <= 0) return;
        var dirs = Directory.EnumerateDirectories(config.CoreDir)
            .Where(d => StampDir().IsMatch(Path.GetFileName(d)))
            .Order(StringComparer.Ordinal)
            .ToList();
        int purge = dirs.Count - keep;
        foreach (var d in dirs.Take(Math.Max(0, purge)))
        {
            if (Path.GetFullPath(d) == Path.GetFullPath(current)) continue;
            Out.WriteLine($"kdump: too many dumps (KDUMP_NUM_DUMPS={keep}), purging {d}");
            try { Directory.Delete(d, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Err.WriteLine($"kdump: cannot remove {d}: {Cli.SystemErrors.Message(e, d)}");
            }
        }
    }

    /// <summary>SSH=user@host: dmesg and the flattened dump (makedumpfile -F) go through ssh; the remote
    /// side rebuilds the dump with "dumpkit makedumpfile -R" into KDUMP_COREDIR/STAMP/ and renames it
    /// when complete. Raw-copy fallback streams /proc/vmcore. No remote rotation.</summary>
    private int RunRemote(string vmcore, string stamp)
    {
        string dir = $"{config.CoreDir}/{stamp}";
        string q = Quote(dir);
        Out.WriteLine($"kdump: saving {vmcore} to {config.Ssh}:{dir}");
        if (config.DumpDmesg)
        {
            string temp = Path.Combine(Path.GetTempPath(), $"dumpkit-dmesg.{Environment.ProcessId}");
            try
            {
                if (SaveLog(vmcore, temp) == 0 && File.Exists(temp))
                {
                    using var log = File.OpenRead(temp);
                    if (Ssh($"mkdir -p {q} && cat > {q}/dmesg-incomplete && mv {q}/dmesg-incomplete {q}/dmesg.{stamp}", log) != 0)
                        Err.WriteLine("kdump: sending dmesg over ssh failed; dmesg content will be unavailable");
                }
                else
                    Err.WriteLine("kdump: makedumpfile --dump-dmesg failed; dmesg content will be unavailable");
            }
            finally { try { File.Delete(temp); } catch (IOException) { } }
        }
        var args = MakedumpArgs().Where(a => a != "-F").ToList();
        string rdk = Quote(config.RemoteDumpkit);
        int rc = Ssh($"mkdir -p {q} && {rdk} makedumpfile -R {q}/dump-incomplete && mv {q}/dump-incomplete {q}/dump.{stamp}",
            null, stdin => Makedumpfile(["-F", .. args, vmcore], stdin));
        if (rc == 0)
        {
            Out.WriteLine($"kdump: saved vmcore in {config.Ssh}:{dir}");
            return KdumpCommand.Ok;
        }
        Err.WriteLine($"kdump: sending the dump to {config.Ssh} failed, falling back to copying {vmcore}");
        try
        {
            using var src = new FileStream(vmcore, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            if (Ssh($"mkdir -p {q} && cat > {q}/vmcore-incomplete && mv {q}/vmcore-incomplete {q}/vmcore.{stamp}", src) == 0)
            {
                Out.WriteLine($"kdump: saved the unfiltered vmcore in {config.Ssh}:{dir}");
                return KdumpCommand.RawOnly;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Err.WriteLine($"kdump: {vmcore}: {Cli.SystemErrors.Message(e, vmcore)}");
        }
        return Fail($"{config.Ssh}:{dir}");
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Runs the remote command through ssh with stdin from a stream or a writer; 0 only when
    /// both the local writer and ssh succeeded.</summary>
    private int Ssh(string remote, Stream? input, Func<Stream, int>? writer = null)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(config.SshCommand) { UseShellExecute = false, RedirectStandardInput = true };
        if (config.SshKey is { } key) { psi.ArgumentList.Add("-i"); psi.ArgumentList.Add(key); }
        foreach (var o in new[] { "-o", "BatchMode=yes", "-o", "ConnectTimeout=30", config.Ssh!, remote }) psi.ArgumentList.Add(o);
        Out.WriteLine($"kdump: {config.SshCommand} {config.Ssh} {remote}");
        System.Diagnostics.Process? p;
        try { p = System.Diagnostics.Process.Start(psi); }
        catch (System.ComponentModel.Win32Exception e)
        {
            Err.WriteLine($"kdump: cannot run {config.SshCommand}: {Cli.SystemErrors.StrError(e.NativeErrorCode)}");
            return 1;
        }
        if (p is null) return 1;
        using (p)
        {
            int local = 0;
            try
            {
                var stdin = p.StandardInput.BaseStream;
                if (writer is not null) local = writer(stdin);
                else input?.CopyTo(stdin, 1 << 20);
                stdin.Flush();
            }
            catch (IOException e)
            {
                Err.WriteLine($"kdump: writing to {config.SshCommand} {config.Ssh}: {Cli.SystemErrors.Message(e)}");
                local = 1;
            }
            try { p.StandardInput.Close(); } catch (IOException) { }
            p.WaitForExit();
            if (p.ExitCode != 0)
                Err.WriteLine($"kdump: {config.SshCommand} {config.Ssh} " +
                    $"exited with status {p.ExitCode}{(p.ExitCode == 255 ? " (host unreachable or authentication failed)" : "")}");
            return local != 0 ? local : p.ExitCode;
        }
    }

    private int Fail(string? dir)
    {
        Err.WriteLine($"kdump: failed to save vmcore{(dir is null ? "" : $" in {dir}")}");
        if (config.FailCmd is { } cmd)
        {
            Out.WriteLine($"kdump: running KDUMP_FAIL_CMD: {cmd}");
            int rc = host.Shell(cmd);
            if (rc != 0) Err.WriteLine($"kdump: KDUMP_FAIL_CMD exited with status {rc}");
        }
        return KdumpCommand.Failed;
    }
}
