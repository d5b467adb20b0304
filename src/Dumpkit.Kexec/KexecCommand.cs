// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kexec;

/// <summary>
/// Entry point of the <c>kexec</c> personality: kexec-tools compatible, loading through
/// kexec_file_load only. Exit codes as kexec-tools: 0 success;
/// 1 usage error, unsupported option, no crash memory reserved, nothing loaded to execute;
/// <c>-S</c> as kexec-tools: 1 when the kernel (crash kernel unless <c>-l</c>) is loaded, 0 when not; 255 a kernel or initrd that cannot be opened or is not
/// loadable, or a failed system call.
/// </summary>
public static class KexecCommand
{
    public const string VersionText = "kexec-tools 2.0.27 (dumpkit " + "0.1.0" + ", kexec_file_load only)";
    public const int Ok = 0, Die = 1, Failed = 255;

    public static int Run(string[] args) => Run(args, KexecHost.Default);

    public static int Run(IReadOnlyList<string> args, KexecHost host)
    {
        KexecOptions o;
        try
        {
            o = KexecOptions.Parse(args);
        }
        catch (KexecUsageException e)
        {
            host.Err.WriteLine($"kexec: {e.Message}");
            host.Err.WriteLine("Try 'kexec --help' for more information.");
            return Die;
        }
        try
        {
            return Execute(o, host);
        }
        // a failed standard output goes on to the dispatcher, which says "kexec: write error: …"
        catch (Exception e) when (e is (IOException and not Cli.StdoutWriteException) or UnauthorizedAccessException
                                  or PlatformNotSupportedException)
        {
            host.Err.WriteLine($"kexec: {Cli.SystemErrors.Message(e)}");
            return Failed;
        }
    }

    private static int Execute(KexecOptions o, KexecHost host)
    {
        if (o.Help)
        {
            Usage(host.Out);
            return Ok;
        }
        if (o.Version)
        {
            host.Out.WriteLine(VersionText);
            return Ok;
        }
        if (o.PrintCrashSize)
        {
            host.Out.WriteLine(host.CrashSize ?? 0);
            return Ok;
        }
        if (o.Status)
        {
            // as kexec-tools: the crash kernel unless -l is given; exit 1 when loaded, 0 when not
            bool? loaded = o.Crash || !o.HasLoad ? host.CrashLoaded : host.KexecLoaded;
            return loaded == true ? 1 : 0;
        }
        if (o.Crash && o.DoLoad && host.CrashSize == 0)
        {
            host.Err.WriteLine("kexec: Memory for crashkernel is not reserved: boot with crashkernel=SIZE (e.g. crashkernel=256M), then load the kdump kernel");
            return Die;
        }
        ulong flags = o.Crash ? KexecFileFlags.OnCrash : 0;
        int result = Ok;
        if (o.DoUnload)
        {
            int errno = host.Sys.Unload(flags);
            if (errno != 0)
            {
                host.Err.WriteLine($"kexec_file_load(unload) failed: {KexecErrors.StrError(errno)} ({KexecErrors.Explain(errno, o.Crash, host.CrashSize)})");
                result = Failed;
            }
            else if (o.Debug)
                host.Err.WriteLine($"kexec: unloaded the {(o.Crash ? "crash" : "kexec")} kernel");
        }
        if (o.DoLoad && result == Ok)
            result = FileLoad(o, host, flags);
        if (result == Ok && (o.DoShutdown || o.DoExec) && host.KexecLoaded != true)
        {
            host.Err.WriteLine("kexec: Nothing has been loaded!");
            return Die;
        }
        if (result == Ok && o.DoShutdown)
        {
            // as kexec-tools: a plain "kexec KERNEL" loads, then reboots the system through init
            int rc = host.Shell("shutdown -r now");
            if (rc != 0)
            {
                host.Err.WriteLine($"kexec: shutdown -r now failed with status {rc}");
                return Failed;
            }
            return Ok;
        }
        if (result == Ok && o.DoSync)
            host.Sys.Sync();
        if (result == Ok && o.DoExec)
        {
            int errno = host.Sys.RebootKexec();
            host.Err.WriteLine($"kexec failed: {KexecErrors.StrError(errno)}" +
                $"{(errno == KexecErrors.EPERM ? " (rebooting into the loaded kernel needs root, CAP_SYS_BOOT)" : "")}");
            return Failed;
        }
        return result;
    }

    /// <summary>kexec-tools' get_command_line(): /proc/cmdline without BOOT_IMAGE= (and, for a
    /// crash kernel, without crashkernel=).</summary>
    public static string ReusedCommandLine(string procCmdline, bool crash)
    {
        var words = procCmdline.Trim().Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Where(w => !IsParam(w, "BOOT_IMAGE") && !(crash && IsParam(w, "crashkernel"))));
    }

    /// <summary>Whether a kernel command-line word is the parameter <paramref name="name"/> (NAME or NAME=...).</summary>
    public static bool IsParam(string word, string name) =>
        word == name || word.StartsWith(name + "=", StringComparison.Ordinal);

    /// <summary>The command line a load passes: the reused one, a space, then --append/--command-line.</summary>
    public static string CommandLine(KexecOptions o, KexecHost host)
    {
        string? reused = null;
        if (o.ReuseCmdline)
            reused = ReusedCommandLine(host.ReadSystemFile("/proc/cmdline") ?? "", o.Crash);
        if (string.IsNullOrEmpty(reused)) return o.Append ?? "";
        if (string.IsNullOrEmpty(o.Append)) return reused;
        return reused + " " + o.Append;
    }

    private static int FileLoad(KexecOptions o, KexecHost host, ulong flags)
    {
        if (o.Positional.Count == 0)
        {
            host.Err.WriteLine("No kernel specified");
            host.Err.WriteLine("Try 'kexec --help' for more information.");
            return Failed;
        }
        string kernel = o.Positional[0];
        if (!File.Exists(kernel))
        {
            host.Err.WriteLine($"Failed to open file {kernel}:{(Directory.Exists(kernel) ? "Is a directory" : "No such file or directory")}");
            return Failed;
        }
        string? why = BzImage.CheckFile(kernel, out uint cmdlineMax);
        if (why is not null)
        {
            host.Err.WriteLine($"Cannot determine the file type of {kernel}: {why}");
            return Failed;
        }
        if (o.Initrd is not null)
        {
            if (!File.Exists(o.Initrd))
            {
                host.Err.WriteLine($"Could not open initrd file {o.Initrd}:No such file or directory");
                host.Err.WriteLine($"Cannot load {kernel}");
                return Failed;
            }
            string? kind = InitrdImage.IdentifyFile(o.Initrd);
            if (kind is null)
                host.Err.WriteLine($"kexec: warning: {o.Initrd} is not a cpio archive or a compressed one; the kernel may not unpack it");
            else if (o.Debug)
                host.Err.WriteLine($"kexec: initrd {o.Initrd}: {kind}");
        }
        string cmdline = CommandLine(o, host);
        if (cmdlineMax > 0 && cmdline.Length > cmdlineMax)
        {
            host.Err.WriteLine($"Command line overflow: {cmdline.Length} characters, {kernel} accepts at most {cmdlineMax}");
            return Failed;
        }
        if (o.Debug)
            host.Err.WriteLine($"kexec: kexec_file_load({kernel}, {o.Initrd ?? "no initrd"}, \"{cmdline}\"" +
                $", flags=0x{(o.Initrd is null ? flags | KexecFileFlags.NoInitramfs : flags):x})");
        int errno = host.Sys.FileLoad(kernel, o.Initrd, cmdline, flags);
        if (errno != 0)
        {
            host.Err.WriteLine($"kexec_file_load failed: {KexecErrors.StrError(errno)} ({KexecErrors.Explain(errno, o.Crash, host.CrashSize)})");
            return Failed;
        }
        return Ok;
    }

    private static void Usage(TextWriter w)
    {
        w.WriteLine(VersionText);
        w.WriteLine("Usage: kexec [OPTION]... [kernel]");
        w.WriteLine("Directly reboot into a new kernel (kexec_file_load)");
        w.WriteLine();
        w.WriteLine(" -h, --help           Print this help.");
        w.WriteLine(" -v, --version        Print the version of kexec.");
        w.WriteLine(" -f, --force          Force an immediate kexec, don't call shutdown.");
        w.WriteLine(" -x, --no-ifdown      Accepted (dumpkit never brings interfaces down).");
        w.WriteLine(" -y, --no-sync        Don't sync filesystems before kexec.");
        w.WriteLine(" -l, --load           Load the new kernel into the current kernel.");
        w.WriteLine(" -p, --load-panic     Load the new kernel for use on panic.");
        w.WriteLine(" -u, --unload         Unload the current kexec target kernel.");
        w.WriteLine("                      If capture kernel is being unloaded");
        w.WriteLine("                      specify -p with -u.");
        w.WriteLine(" -e, --exec           Execute a currently loaded kernel.");
        w.WriteLine(" -s, --kexec-file-syscall");
        w.WriteLine("                      Use file based syscall for kexec operation (always).");
        w.WriteLine(" -S, --status         Return 1 if the type (by default crash) is loaded,");
        w.WriteLine("                      0 if not.");
        w.WriteLine(" -d, --debug          Enable debugging to help spot a failure.");
        w.WriteLine("     --print-ckr-size Print crash kernel region size.");
        w.WriteLine("     --command-line=STRING, --append=STRING");
        w.WriteLine("                      Set the kernel command line to STRING.");
        w.WriteLine("     --reuse-cmdline  Use kernel command line from running system.");
        w.WriteLine("     --initrd=FILE, --ramdisk=FILE");
        w.WriteLine("                      Use FILE as the kernel's initial ramdisk.");
        w.WriteLine();
        w.WriteLine("Exit status: 0 success; 1 usage error or nothing to do; 255 load or exec failed.");
    }
}
