// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump.Tests.Support;

/// <summary>Records the programs install and the health checks would run; answers from a table of handlers.</summary>
public sealed class FakeRunner : ProgramRunner
{
    public List<string> Calls { get; } = [];
    /// <summary>Programs found in PATH (by name), with their fake path /fake/bin/NAME.</summary>
    public HashSet<string> Installed { get; } = ["systemctl", "update-grub"];
    /// <summary>Answers by program name (the file name of the path); none: exit 0, no output.</summary>
    public Dictionary<string, Func<IReadOnlyList<string>, ProgramResult>> Handlers { get; } = [];
    public HashSet<string> EnabledUnits { get; } = [];

    public FakeRunner()
    {
        Handlers["systemctl"] = args =>
        {
            string unit = args[^1];
            return args[^2] switch
            {
                "is-enabled" => EnabledUnits.Contains(unit) ? new(0, "enabled\n", "") : new(1, "disabled\n", ""),
                "enable" => Do(() => EnabledUnits.Add(unit)),
                "disable" => Do(() => EnabledUnits.Remove(unit)),
                _ => new(1, "", "unknown"),
            };
        };
    }

    private static ProgramResult Do(Action a)
    {
        a();
        return new(0, "", "");
    }

    /// <summary>The mount(2) calls: "SOURCE TARGET FSTYPE OPTIONS", and "umount TARGET".</summary>
    public List<string> Mounts { get; } = [];
    /// <summary>The errno a mount(2) of (FSTYPE, OPTIONS) returns; none: 0, mounted.</summary>
    public Func<string, string, int>? MountResult { get; set; }
    public int UnmountResult { get; set; }
    public List<TimeSpan> Pauses { get; } = [];

    public override int Mount(string source, string target, string fsType, string options)
    {
        Mounts.Add($"{source} {target} {fsType} {options}");
        return MountResult?.Invoke(fsType, options) ?? 0;
    }

    public override int Unmount(string target)
    {
        Mounts.Add($"umount {target}");
        return UnmountResult;
    }

    public override void Pause(TimeSpan time) => Pauses.Add(time);

    public override string? Self => "/fake/bin/dumpkit";

    public override string? Find(string name) => Installed.Contains(name) ? $"/fake/bin/{name}" : null;

    public override ProgramResult Run(string program, IReadOnlyList<string> args)
    {
        Calls.Add(string.Join(' ', [Path.GetFileName(program), .. args]));
        return Handlers.TryGetValue(Path.GetFileName(program), out var h) ? h(args) : new(0, "", "");
    }
}
