// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kexec;

namespace Dumpkit.Kdump.Initrd;

/// <summary>
/// What an SSH= target's capture initramfs carries for savecore's ssh: the client (KDUMP_SSH_COMMAND, default ssh, found in
/// PATH; OpenSSH's, whose shared objects the builder adds), the private key SSH_KEY (read once, its mode checked on the
/// same descriptor: like ssh, a key others can read is refused) and the host keys ssh checks the server against
/// (KDUMP_SSH_KNOWN_HOSTS, default root's ~/.ssh/known_hosts, and /etc/ssh/ssh_known_hosts): savecore runs ssh with
/// BatchMode=yes, which cannot accept an unknown host key, so an image without any would lose the dump.
/// </summary>
public sealed record SshClientFiles(string Client, string KeyPath, byte[] Key, string KnownHostsPath, byte[]? KnownHosts, byte[]? GlobalKnownHosts)
{
    /// <summary>Where the image holds the client, the key (mode 0600) and the known hosts; the image's configuration names the first two.</summary>
    public const string ClientInImage = "/usr/bin/ssh";
    public const string KeyInImage = "/etc/dumpkit/ssh-key";
    public const string KnownHostsInImage = "/root/.ssh/known_hosts";
    public const string GlobalKnownHostsPath = "/etc/ssh/ssh_known_hosts";

    /// <summary>KDUMP_SSH_KNOWN_HOSTS when not set: root's, as ssh run by savecore (root) reads it.</summary>
    public const string DefaultKnownHosts = "/root/.ssh/known_hosts";

    private const int MaxFile = 1 << 20;

    public static SshClientFiles Resolve(KdumpConfig config, KexecHost host)
    {
        string ssh = config.Ssh!;
        string keyPath = config.SshKey
            ?? throw new DumpTargetException($"SSH={ssh}: set SSH_KEY to the private key the capture initramfs carries for ssh");
        byte[] key = ReadKey(keyPath);
        string command = config.SshCommand;
        string client = command.Contains('/') ? command : FindInPath(command)
            ?? throw new DumpTargetException($"KDUMP_SSH_COMMAND={command}: not found in PATH (install openssh-client)");
        string? knownPath = config.Get("KDUMP_SSH_KNOWN_HOSTS");
        string known = knownPath ?? host.SystemPath(DefaultKnownHosts);
        byte[]? user = ReadOptional(known, "KDUMP_SSH_KNOWN_HOSTS");
        byte[]? global = ReadOptional(host.SystemPath(GlobalKnownHostsPath), null);
        if (user is null && global is null)
            throw new DumpTargetException($"KDUMP_SSH_KNOWN_HOSTS={knownPath ?? DefaultKnownHosts}: {Cli.SystemErrors.StrError(Cli.SystemErrors.Enoent)} " +
                $"(ssh in the capture initramfs must know the host key of {ssh}: connect to it once as root, or set KDUMP_SSH_KNOWN_HOSTS)");
        return new SshClientFiles(client, keyPath, key, knownPath ?? DefaultKnownHosts, user, global);
    }

    /// <summary>The key's bytes, read from the descriptor whose mode was checked: ssh ignores a key with any group or other bits.</summary>
    private static byte[] ReadKey(string path)
    {
        if (Native.IsSpecialFile(path))
            throw new DumpTargetException($"SSH_KEY={path}: not a regular file");
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            int bits = OperatingSystem.IsWindows() ? 0x180 : (int)File.GetUnixFileMode(file.SafeFileHandle) & 0x1FF;
            if ((bits & 0x3F) != 0)
                throw new DumpTargetException($"SSH_KEY={path}: Permissions 0{Convert.ToString(bits, 8)} for '{path}' are too open: " +
                    "ssh ignores a private key others can read (chmod 600 it)");
            if (file.Length > MaxFile)
                throw new DumpTargetException($"SSH_KEY={path}: {Cli.SystemErrors.StrError(Cli.SystemErrors.Efbig)}");
            var bytes = new byte[file.Length];
            file.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DumpTargetException($"SSH_KEY={path}: {Cli.SystemErrors.Message(e, path)}");
        }
    }

    /// <summary>A file's bytes, or null when nothing has the name; any other failure names <paramref name="key"/> (or the file).</summary>
    private static byte[]? ReadOptional(string path, string? key)
    {
        if (!File.Exists(path)) return null;
        if (Native.IsSpecialFile(path))
            throw new DumpTargetException($"{(key is null ? "" : key + "=")}{path}: not a regular file");
        try
        {
            return Cli.BoundedFile.ReadAllBytes(path, MaxFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Cli.FileTooLargeException)
        {
            throw new DumpTargetException($"{(key is null ? "" : key + "=")}{path}: {Cli.SystemErrors.Message(e, path)}");
        }
    }

    private static string? FindInPath(string name)
    {
        string path = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } p ? p : "/usr/local/bin:/usr/bin:/bin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
