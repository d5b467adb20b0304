namespace Dumpkit.Kdump;

/// <summary>What a kdump command line asks for: help, an argument it does not take
/// (<see cref="Unexpected"/>), or the configuration file, the crash dump and the command.</summary>
internal sealed record KdumpArguments(bool Help, string? Unexpected, string ConfigPath, bool ConfigGiven, string? Vmcore, string? Command)
{
    public static KdumpArguments Parse(IReadOnlyList<string> args)
    {
        string configPath = KdumpConfig.DefaultPath;
        bool configGiven = false;
        string? vmcore = null, command = null;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string? Value(string name)
            {
                if (a.StartsWith(name + "=", StringComparison.Ordinal)) return a[(name.Length + 1)..];
                if (a == name && i + 1 < args.Count) return args[++i];
                return null;
            }
            if (a is "-h" or "--help" or "help") return new(true, null, configPath, configGiven, vmcore, command);
            if (a.StartsWith("--config", StringComparison.Ordinal) && Value("--config") is { } c) { configPath = c; configGiven = true; }
            else if (a.StartsWith("--vmcore", StringComparison.Ordinal) && Value("--vmcore") is { } v) vmcore = v;
            else if (a.StartsWith('-') || command is not null)
                return new(false, a, configPath, configGiven, vmcore, command);
            else command = a;
        }
        return new(false, null, configPath, configGiven, vmcore, command);
    }
}
