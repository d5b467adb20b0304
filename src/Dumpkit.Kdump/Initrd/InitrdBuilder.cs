// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.IO.Compression;
using System.Text;
using Dumpkit.Kexec;

namespace Dumpkit.Kdump.Initrd;

/// <summary>A file or setting the capture initramfs needs is missing; one line for the user.</summary>
public sealed class InitrdException(string message) : Exception(message);

/// <summary>What goes into a capture initramfs: paths on the building machine and the configuration.</summary>
public sealed record InitrdInputs(string Kver, string ModulesDirectory, string Busybox, string Dumpkit, KdumpConfig Config, string ConfigText)
{
    /// <summary>Prefix of the library paths the dumpkit binary needs (tests point it at a fake root).</summary>
    public string LibraryRoot { get; init; } = "/";
}

/// <summary>
/// Builds the capture initramfs: busybox (static), the dumpkit binary with the shared objects it needs and the links
/// makedumpfile and kexec, the modules of the dump target (<see cref="DumpTarget"/>) with their dependencies, the
/// configuration (KDUMP_COREDIR rewritten to where the target is mounted), for KDUMP_S3 a copy of the credentials file (mode
/// 0600, KDUMP_S3_CREDENTIALS rewritten to it), for SSH the ssh client, a copy of the key and the known hosts and /init (<see cref="InitScript"/>).
/// Members are sorted by name with owner root and modification time 0, so the same inputs give the same bytes.
/// </summary>
public static class InitrdBuilder
{
    public static List<CpioEntry> Entries(InitrdInputs input, DumpTarget target, TextWriter notes)
    {
        var files = new SortedDictionary<string, CpioEntry>(StringComparer.Ordinal);
        void Add(CpioEntry e) => files[e.Name] = e;

        byte[] busybox = ReadRequired(input.Busybox, "busybox-static");
        if (ElfDependencies.Read(busybox).Interpreter is not null)
            throw new InitrdException($"{input.Busybox}: busybox is not statically linked (install busybox-static)");
        Add(CpioEntry.File("bin/busybox", busybox, 0x1ED));
        Add(CpioEntry.Symlink("bin/sh", "busybox"));

        Add(CpioEntry.File("usr/bin/dumpkit", ReadRequired(input.Dumpkit, null), 0x1ED));
        Add(CpioEntry.Symlink("usr/bin/makedumpfile", "dumpkit"));
        Add(CpioEntry.Symlink("usr/sbin/kexec", "../bin/dumpkit"));
        var missingLibs = new List<string>();
        foreach (var lib in ElfDependencies.Closure(input.Dumpkit, missingLibs, input.LibraryRoot))
            Add(CpioEntry.File(lib.TrimStart('/'), File.ReadAllBytes(ElfDependencies.Under(input.LibraryRoot, lib)), 0x1ED));
        if (missingLibs.Count > 0)
            throw new InitrdException($"{input.Dumpkit}: shared object {missingLibs[0]} not found");

        var index = KernelModules.Load(input.ModulesDirectory);
        var wanted = new List<string>(target.Modules);
        wanted.AddRange((input.Config.Get("KDUMP_MODULES") ?? "").Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries));
        var missing = new List<string>();
        var modules = index.Closure(wanted, missing);
        foreach (var m in missing)
            notes.WriteLine($"kdump: initrd: module {m} is not in {input.ModulesDirectory} (neither a module nor built in): left out");
        foreach (var m in modules)
        {
            if (m.EndsWith(".zst", StringComparison.Ordinal))
                throw new InitrdException($"{m}: zstd-compressed modules are not supported (busybox cannot unpack them)");
            Add(CpioEntry.File($"lib/modules/{input.Kver}/{m}", File.ReadAllBytes(Path.Combine(input.ModulesDirectory, m))));
        }
        Add(CpioEntry.File($"lib/modules/{input.Kver}/{InitScript.LoadList}", Text(string.Concat(modules.Select(m => m + "\n")))));

        string config = input.ConfigText.TrimEnd('\n');
        config += (config.Length > 0 ? "\n" : "") +
                  "# dumpkit kdump initrd: where the capture environment mounts the dump target\n" +
                  $"KDUMP_COREDIR={InitScript.Quote(target.CoreDir)}\n";
        if (target.Ssh is { } ssh)
            config += AddSshClient(ssh, input.LibraryRoot, Add);
        else if (target.CredentialsBytes is { } credentials)
        {
            // the S3 key travels in the image (itself mode 0600): the bytes checked as root's and owner-only, as savecore demands
            Add(CpioEntry.File(DumpTarget.S3CredentialsInImage.TrimStart('/'), credentials, 0x180));
            config += "# dumpkit kdump initrd: the copy of KDUMP_S3_CREDENTIALS in the image\n" +
                      $"KDUMP_S3_CREDENTIALS={InitScript.Quote(DumpTarget.S3CredentialsInImage)}\n";
        }
        Add(CpioEntry.File("etc/default/dumpkit", Text(config), 0x180));
        Add(CpioEntry.File(InitScript.Settings, Text(InitScript.SettingsText(input.Kver, target, input.Config.FailCmd))));
        Add(CpioEntry.File("init", Text(InitScript.Text(input.Kver)), 0x1ED));
        if (target.NeedsNetwork)
            Add(CpioEntry.File(InitScript.DhcpScript, Text(InitScript.DhcpScriptText), 0x1ED));
        Add(CpioEntry.CharDevice("dev/console", 5, 1));
        foreach (var d in new[] { "dev", "proc", "sys", "tmp", "run", "mnt", "sbin", "usr/sbin", DumpTarget.MountPoint.TrimStart('/') })
            Add(CpioEntry.Directory(d));
        foreach (var name in files.Keys.ToList())
            for (string? dir = Path.GetDirectoryName(name); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
                if (!files.ContainsKey(dir)) Add(CpioEntry.Directory(dir));
        return [.. files.Values];
    }

    /// <summary>An SSH target's files: OpenSSH's client and the shared objects it needs (found as dumpkit's are), the key (mode 0600),
    /// the known hosts, /etc/passwd and /etc/group with root (ssh looks its user and home up), /dev/null and /dev/tty (before
    /// devtmpfs is mounted); returns the configuration lines pointing savecore at the client and key in the image.</summary>
    private static string AddSshClient(SshClientFiles ssh, string libraryRoot, Action<CpioEntry> add)
    {
        byte[] client = ReadRequired(ssh.Client, "openssh-client");
        ElfDependencies.Read(client);
        add(CpioEntry.File(SshClientFiles.ClientInImage.TrimStart('/'), client, 0x1ED));
        var missingLibs = new List<string>();
        foreach (var lib in ElfDependencies.Closure(ssh.Client, missingLibs, libraryRoot))
            add(CpioEntry.File(lib.TrimStart('/'), File.ReadAllBytes(ElfDependencies.Under(libraryRoot, lib)), 0x1ED));
        if (missingLibs.Count > 0)
            throw new InitrdException($"{ssh.Client}: shared object {missingLibs[0]} not found");
        add(CpioEntry.File(SshClientFiles.KeyInImage.TrimStart('/'), ssh.Key, 0x180));
        add(CpioEntry.Directory("root", 0x1C0));
        add(CpioEntry.Directory("root/.ssh", 0x1C0));
        if (ssh.KnownHosts is { } known)
            add(CpioEntry.File(SshClientFiles.KnownHostsInImage.TrimStart('/'), known));
        if (ssh.GlobalKnownHosts is { } global)
            add(CpioEntry.File(SshClientFiles.GlobalKnownHostsPath.TrimStart('/'), global));
        add(CpioEntry.File("etc/passwd", Text("root:x:0:0:root:/root:/bin/sh\n")));
        add(CpioEntry.File("etc/group", Text("root:x:0:\n")));
        add(CpioEntry.CharDevice("dev/null", 1, 3, 0x1B6));
        add(CpioEntry.CharDevice("dev/tty", 5, 0, 0x1B6));
        return "# dumpkit kdump initrd: the ssh client and the copy of SSH_KEY in the image\n" +
               $"KDUMP_SSH_COMMAND={InitScript.Quote(SshClientFiles.ClientInImage)}\n" +
               $"SSH_KEY={InitScript.Quote(SshClientFiles.KeyInImage)}\n";
    }

    /// <summary>The gzip-compressed newc archive of the entries (the kernel unpacks gzip with its own inflate).</summary>
    public static byte[] Compress(IEnumerable<CpioEntry> entries)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
            CpioWriter.Write(gz, entries);
        return ms.ToArray();
    }

    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[] ReadRequired(string path, string? package)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InitrdException($"{path}: {Cli.SystemErrors.Message(e, path)}{(package is null ? "" : $" (install {package})")}");
        }
    }

    /// <summary>Writes the image to a new file beside <paramref name="output"/> (mode 0600) and renames it into place;
    /// refuses an output that is a symbolic link rather than follow or replace it.</summary>
    public static void WriteFile(string output, byte[] image)
    {
        var info = new FileInfo(output);
        if (info.LinkTarget is not null)
            throw new InitrdException($"{output}: is a symbolic link; not replacing it (give the file it points to with -o)");
        if (Directory.Exists(output))
            throw new InitrdException($"{output}: {Cli.SystemErrors.StrError(Cli.SystemErrors.Eisdir)}");
        // a device, FIFO or socket is never replaced by the image (-o /dev/full once turned the device into a file)
        if (Native.IsOtherThanRegularFile(output))
            throw new InitrdException($"{output}: not a regular file; not replacing it");
        string dir = Path.GetDirectoryName(Path.GetFullPath(output))!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(output)}.{Environment.ProcessId}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var fs = new FileStream(temp, options))
            {
                fs.Write(image);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, output, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
