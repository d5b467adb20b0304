// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;

namespace Dumpkit.Kdump;

/// <summary>
/// /etc/default/dumpkit: shell-style <c>KEY=value</c> lines (optionally <c>export KEY=value</c>),
/// '#' comments, single quotes literal, double quotes with backslash escapes. Variable
/// expansion is not performed. Names follow kdump-tools' /etc/default/kdump-tools.
/// </summary>
public sealed class KdumpConfig
{
    public const string DefaultPath = "/etc/default/dumpkit";
    public const string DefaultAppend = "reset_devices systemd.unit=dumpkit-savecore.service nr_cpus=1 irqpoll nousb";

    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
    public string? Source { get; private set; }

    public string? Get(string key) => Values.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

    public bool UseKdump => Get("USE_KDUMP") != "0";
    /// <summary>Null: /boot/vmlinuz-RELEASE.</summary>
    public string? Kernel => Get("KDUMP_KERNEL");
    /// <summary>Null: /boot/initrd.img-RELEASE.</summary>
    public string? Initrd => Get("KDUMP_INITRD");
    /// <summary>Null: /proc/cmdline without BOOT_IMAGE=, crashkernel= and hugepage options.</summary>
    public string? Cmdline => Get("KDUMP_CMDLINE");
    public string CmdlineAppend => Values.TryGetValue("KDUMP_CMDLINE_APPEND", out var v) ? v : DefaultAppend;
    public string CoreDir => Get("KDUMP_COREDIR") ?? "/var/crash";
    public string MakedumpArgs => Get("MAKEDUMP_ARGS") ?? "-c -d 31";
    public int NumDumps => int.TryParse(Get("KDUMP_NUM_DUMPS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 0;
    public string? FailCmd => Get("KDUMP_FAIL_CMD");
    /// <summary>KDUMP_KEXEC_ARGS: more kexec options for load, split at blanks.</summary>
    public string[] KexecArgs => (Get("KDUMP_KEXEC_ARGS") ?? "").Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
    /// <summary>KDUMP_SYSCTL: NAME=VALUE sysctls load sets, split at blanks (kdump-tools sets kernel.panic_on_oops=1).</summary>
    public string[] Sysctls => (Get("KDUMP_SYSCTL") ?? DefaultSysctl).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
    public const string DefaultSysctl = "kernel.panic_on_oops=1";
    public bool DumpDmesg => Get("KDUMP_DUMP_DMESG") != "0";
    /// <summary>SSH=user@host: savecore streams the dump there (flattened, rebuilt with makedumpfile -R remotely).</summary>
    public string? Ssh => Get("SSH");
    public string? SshKey => Get("SSH_KEY");
    /// <summary>The ssh client (default "ssh").</summary>
    public string SshCommand => Get("KDUMP_SSH_COMMAND") ?? "ssh";
    /// <summary>The dumpkit binary on the remote host (default "dumpkit").</summary>
    public string RemoteDumpkit => Get("KDUMP_REMOTE_DUMPKIT") ?? "dumpkit";
    /// <summary>NFS=HOST:/EXPORT: savecore mounts the export on KDUMP_COREDIR and saves the dump there (<see cref="NfsTarget"/>).</summary>
    public string? Nfs => Get("NFS");

    /// <summary>
    /// Set when more than one remote target (SSH, NFS, KDUMP_S3) is configured: dumpkit saves to one target, and
    /// picking one silently would put the dump where the operator does not look.
    /// </summary>
    public string? TargetConflict
    {
        get
        {
            var set = new[] { "SSH", "NFS", "KDUMP_S3" }.Where(k => Get(k) is not null).Select(k => $"{k}={Get(k)}").ToList();
            return set.Count > 1 ? $"{string.Join(" and ", set)}: set one of them (dumpkit saves to one target)" : null;
        }
    }
    /// <summary>The crash dump to save (kdump-tools has no such knob; for tests and odd set-ups).</summary>
    public string? Vmcore => Get("KDUMP_VMCORE");

    public static KdumpConfig Parse(string text, string? source = null)
    {
        var c = new KdumpConfig { Source = source };
        int lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            // a NUL cannot be in a value passed on (a path, an argument, a command line): refuse it rather than cut there
            if (line.Contains('\0'))
                throw new KdumpConfigException($"{source ?? "config"}:{lineNo}: NUL byte in the line");
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            int eq = line.IndexOf('=');
            if (eq <= 0 || !IsName(line.AsSpan(0, eq)))
                throw new KdumpConfigException($"{source ?? "config"}:{lineNo}: expected KEY=value, got \"{raw.Trim()}\"");
            c.Values[line[..eq]] = Unquote(line[(eq + 1)..], source, lineNo);
        }
        return c;
    }

    public static KdumpConfig Load(string path)
    {
        if (!File.Exists(path))
            return new KdumpConfig { Source = null };
        // A named FIFO or socket is refused by BoundedFile (open(2) would wait for a writer for ever). A pipe given as
        // /dev/fd/N (a shell's process substitution) is a link to it, read as usual; /dev/null reads as an empty file.
        string text;
        try
        {
            text = Cli.BoundedFile.ReadAllText(path, MaxFile);
        }
        catch (Cli.NotRegularFileException)
        {
            throw new KdumpConfigException($"{path}: not a regular file");
        }
        catch (Cli.FileTooLargeException)
        {
            throw new KdumpConfigException($"{path}: too large for a configuration file (more than {MaxFile} bytes)");
        }
        return Parse(text, path);
    }

    /// <summary>A configuration file larger than this is not one (or an endless file such as /dev/zero).</summary>
    public const int MaxFile = 1 << 20;

    private static bool IsName(ReadOnlySpan<char> s)
    {
        if (s.Length == 0 || char.IsAsciiDigit(s[0])) return false;
        foreach (char ch in s)
            if (!char.IsAsciiLetterOrDigit(ch) && ch != '_') return false;
        return true;
    }

    private static string Unquote(string v, string? source, int lineNo)
    {
        var sb = new StringBuilder();
        int i = 0;
        while (i < v.Length)
        {
            char ch = v[i];
            if (ch == '\'')
            {
                int end = v.IndexOf('\'', i + 1);
                if (end < 0) throw new KdumpConfigException($"{source ?? "config"}:{lineNo}: unterminated single quote");
                sb.Append(v, i + 1, end - i - 1);
                i = end + 1;
            }
            else if (ch == '"')
            {
                i++;
                while (true)
                {
                    if (i >= v.Length) throw new KdumpConfigException($"{source ?? "config"}:{lineNo}: unterminated double quote");
                    if (v[i] == '"') { i++; break; }
                    if (v[i] == '\\' && i + 1 < v.Length && v[i + 1] is '"' or '\\' or '$' or '`') { sb.Append(v[i + 1]); i += 2; continue; }
                    sb.Append(v[i++]);
                }
            }
            else if (ch == '\\' && i + 1 < v.Length) { sb.Append(v[i + 1]); i += 2; }
            else if (ch == '#' && (i == 0 || char.IsWhiteSpace(v[i - 1]))) break;
            else if (char.IsWhiteSpace(ch))
            {
                // an unquoted blank ends the value (the rest would be a command in sh)
                string rest = v[i..].Trim();
                if (rest.Length > 0 && rest[0] != '#')
                    throw new KdumpConfigException($"{source ?? "config"}:{lineNo}: unquoted space in value; quote it");
                break;
            }
            else sb.Append(v[i++]);
        }
        return sb.ToString();
    }
}

public sealed class KdumpConfigException(string message) : Exception(message);
