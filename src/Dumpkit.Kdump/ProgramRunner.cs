// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;

namespace Dumpkit.Kdump;

/// <summary>What a program run said: its exit status (127 when it could not be started) and its output.</summary>
public sealed record ProgramResult(int ExitCode, string Output, string Errors)
{
    /// <summary>
    /// The last line of the errors, else of the output, for a one-line report: programs end with the reason they stopped,
    /// after their warnings and progress (ssh's "Warning: Permanently added …", update-grub's "Generating …", a child
    /// dumpkit's warnings about the configuration).
    /// </summary>
    public string LastLine =>
        (Errors.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0)
         ?? Output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0)) ?? "";
}

/// <summary>
/// The programs install, uninstall and the health checks run (update-grub, systemctl, ssh, dumpkit
/// itself): found in PATH and run without a shell; and the mount(2) and umount2(2) calls of an NFS target
/// (savecore, test, status) with the pause between mount attempts; replaced by a recording fake in tests.
/// </summary>
public class ProgramRunner
{
    public static ProgramRunner Default { get; } = new();

    /// <summary>The program's full path when <paramref name="name"/> is in PATH (or is a path to an
    /// executable file), else null.</summary>
    public virtual string? Find(string name)
    {
        if (name.Contains('/'))
            return File.Exists(name) ? name : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
        {
            if (dir.Length == 0) continue;
            string p = Path.Combine(dir, name);
            if (File.Exists(p) && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(p) & UnixFileMode.UserExecute) != 0)
                return p;
        }
        return null;
    }

    /// <summary>Runs the program with its arguments, waits for it and returns what it said.</summary>
    public virtual ProgramResult Run(string program, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi);
            if (p is null) return new ProgramResult(127, "", $"{program}: cannot be started");
            p.StandardInput.Close();
            var err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return new ProgramResult(p.ExitCode, output, err.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ProgramResult(127, "", $"{program}: {Cli.SystemErrors.StrError(e.NativeErrorCode)}");
        }
    }

    /// <summary>mount(2) of <paramref name="source"/> on <paramref name="target"/> with the kernel's text options: 0 or the errno.</summary>
    public virtual int Mount(string source, string target, string fsType, string options) =>
        NativeMount.Mount(source, target, fsType, options);

    /// <summary>umount2(2): 0 or the errno.</summary>
    public virtual int Unmount(string target) => NativeMount.Unmount(target);

    /// <summary>The wait between two mount attempts.</summary>
    public virtual void Pause(TimeSpan time) => Thread.Sleep(time);

    /// <summary>This program (the dumpkit binary) for running one of its own commands as a subprocess.</summary>
    public virtual string? Self => Environment.ProcessPath;
}
