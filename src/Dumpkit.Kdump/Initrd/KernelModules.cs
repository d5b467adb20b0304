// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump.Initrd;

/// <summary>
/// What depmod wrote into /lib/modules/KVER: modules.dep (each module's file and the modules it needs),
/// modules.builtin (modules compiled into the kernel), modules.alias (only plain names, such as
/// "fs-ext4" or "crypto-crc32c", not device patterns) and modules.softdep ("pre:" and "post:" modules loaded
/// around one). <see cref="Closure"/> gives the files to load, each after the modules it needs.
/// </summary>
public sealed class KernelModules
{
    private readonly Dictionary<string, string> _file = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _deps = new(StringComparer.Ordinal);
    private readonly HashSet<string> _builtin = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _alias = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (List<string> Pre, List<string> Post)> _softdep = new(StringComparer.Ordinal);

    /// <summary>Reads the depmod files of a module directory (modules.dep is required, the others optional).</summary>
    public static KernelModules Load(string directory)
    {
        string? Read(string name) => File.Exists(Path.Combine(directory, name)) ? File.ReadAllText(Path.Combine(directory, name)) : null;
        return Parse(File.ReadAllText(Path.Combine(directory, "modules.dep")), Read("modules.builtin"), Read("modules.alias"),
            Read("modules.softdep"));
    }

    public static KernelModules Parse(string dep, string? builtin = null, string? alias = null, string? softdep = null)
    {
        var m = new KernelModules();
        foreach (var line in Lines(dep))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0) continue;
            string file = line[..colon].Trim();
            m._file.TryAdd(NameOf(file), file);
            m._deps[file] = line[(colon + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        }
        foreach (var line in Lines(builtin))
            m._builtin.Add(NameOf(line.Trim()));
        foreach (var line in Lines(alias))
        {
            var w = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (w.Length != 3 || w[0] != "alias" || w[1].IndexOfAny(['*', '?', '[']) >= 0) continue;
            if (!m._alias.TryGetValue(w[1], out var list)) m._alias[w[1]] = list = [];
            list.Add(Normalize(w[2]));
        }
        foreach (var line in Lines(softdep))
        {
            var w = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (w.Length < 2 || w[0] != "softdep") continue;
            var (pre, post) = m._softdep.TryGetValue(Normalize(w[1]), out var s) ? s : ([], []);
            List<string>? into = null;
            foreach (var word in w.Skip(2))
            {
                if (word == "pre:") into = pre;
                else if (word == "post:") into = post;
                else into?.Add(word);
            }
            m._softdep[Normalize(w[1])] = (pre, post);
        }
        return m;
    }

    private static IEnumerable<string> Lines(string? text) =>
        (text ?? "").Split('\n').Where(l => l.Length > 0 && l[0] != '#');

    /// <summary>The module name of a file: "kernel/fs/ext4/ext4.ko.xz" is "ext4"; '-' and '_' are the same in names.</summary>
    public static string NameOf(string file)
    {
        string n = Path.GetFileName(file);
        foreach (var suffix in new[] { ".xz", ".gz", ".zst" })
            if (n.EndsWith(suffix, StringComparison.Ordinal)) n = n[..^suffix.Length];
        if (n.EndsWith(".ko", StringComparison.Ordinal)) n = n[..^3];
        return Normalize(n);
    }

    private static string Normalize(string name) => name.Replace('-', '_');

    public bool IsBuiltin(string name) => _builtin.Contains(Normalize(name));

    /// <summary>The module files (relative to the module directory) that load the named modules or aliases, each after
    /// what it needs (modules.dep and soft dependencies), each once; <paramref name="missing"/> gets the names that are
    /// neither a module, nor built in, nor an alias of one.</summary>
    public List<string> Closure(IEnumerable<string> names, List<string> missing)
    {
        var order = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
            if (!Want(name, order, seen, 0))
                missing.Add(name);
        return order;
    }

    /// <summary>Adds a module or alias; false when the name is unknown.</summary>
    private bool Want(string name, List<string> order, HashSet<string> seen, int depth)
    {
        string n = Normalize(name);
        if (_file.TryGetValue(n, out var file))
        {
            Visit(file, order, seen, depth);
            return true;
        }
        if (_builtin.Contains(n)) return true;
        if (_alias.TryGetValue(name, out var targets) || _alias.TryGetValue(n, out targets))
        {
            bool any = false;
            foreach (var t in targets)
                any |= Want(t, order, seen, depth + 1);
            return any;
        }
        return false;
    }

    private void Visit(string file, List<string> order, HashSet<string> seen, int depth)
    {
        if (depth > 64 || !seen.Add(file)) return;
        string name = NameOf(file);
        var soft = _softdep.TryGetValue(name, out var s) ? s : ([], []);
        foreach (var pre in soft.Pre)
            Want(pre, order, seen, depth + 1);
        // modules.dep lists the whole closure, the module needed last first: load from the end
        if (_deps.TryGetValue(file, out var deps))
            for (int i = deps.Length - 1; i >= 0; i--)
                Visit(deps[i], order, seen, depth + 1);
        order.Add(file);
        foreach (var post in soft.Post)
            Want(post, order, seen, depth + 1);
    }
}
