// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.Json;
using Dumpkit.Kexec;

namespace Dumpkit.Kdump;

/// <summary><c>status</c>, <c>test</c>, <c>estimate</c>, the keys every command refuses, KDUMP_SYSCTL and --root.</summary>
public static partial class KdumpCommand
{
    /// <summary>The host with every system path under <paramref name="root"/> (null or empty: unchanged).</summary>
    private static KexecHost WithRoot(KexecHost host, string? root) =>
        string.IsNullOrEmpty(root) || root == host.Root ? host : new KexecHost
        {
            Root = Path.GetFullPath(root), Sys = host.Sys, Out = host.Out, Err = host.Err, Now = host.Now, Shell = host.Shell,
        };

    /// <summary>
    /// A warning for each unknown key and, but for test and status (which report them as problems), for each target key set
    /// without its target; for the commands that act on the configuration (all but show, estimate and uninstall) one line per
    /// refused key and exit 2.
    /// </summary>
    private static int? RefuseKeys(string command, KdumpConfig config, KexecHost host)
    {
        foreach (var w in KdumpKeys.Unknown(config))
            host.Err.WriteLine($"kdump: {w}");
        // test and status name them as problems of the configuration; the others warn and go on (savecore still saves the dump)
        if (command is not ("test" or "status"))
            foreach (var o in KdumpKeys.Orphans(config))
                host.Err.WriteLine($"kdump: warning: {o}");
        if (command is "show" or "estimate" or "uninstall" or "unload") return null;
        var refused = KdumpKeys.Refusals(config);
        foreach (var r in refused)
            host.Err.WriteLine($"kdump: {r}");
        return refused.Count == 0 ? null : Usage;
    }

    /// <summary>KDUMP_SYSCTL after a load: each NAME=VALUE written to /proc/sys/NAME (dots as slashes), as sysctl -w.</summary>
    private static void ApplySysctls(KdumpConfig config, KexecHost host)
    {
        foreach (var setting in config.Sysctls)
        {
            int eq = setting.IndexOf('=');
            string name = eq > 0 ? setting[..eq] : "";
            if (name.Length == 0 || name.Contains("..") || name.Contains('/') || name.StartsWith('.'))
            {
                host.Err.WriteLine($"kdump: KDUMP_SYSCTL: '{setting}' is not NAME=VALUE");
                continue;
            }
            string path = host.SystemPath("/proc/sys/" + name.Replace('.', '/'));
            try
            {
                File.WriteAllText(path, setting[(eq + 1)..] + "\n");
                host.Out.WriteLine($"kdump: sysctl {setting}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                host.Err.WriteLine($"kdump: KDUMP_SYSCTL: {path}: {Cli.SystemErrors.Message(e, path)}");
            }
        }
    }

    private static int Estimate(KdumpPlan plan, KexecHost host, bool json)
    {
        var e = EstimateReport.Make(plan, host, census: true);
        if (json) host.Out.WriteLine(EstimateReport.Json(e.WriteJson));
        else e.PrintText(host.Out, plan.Config);
        return e.Crashkernel is null ? Failed : Ok;
    }

    private static int Test(KdumpPlan plan, KexecHost host, ProgramRunner runner)
    {
        var c = plan.Config;
        host.Out.WriteLine($"crash memory: {CrashMemory(host)}");
        host.Out.WriteLine($"load would run: {plan.KexecCommandText}");
        if (c.Get("KDUMP_S3") is { } s3 && c.TargetConflict is null)
            host.Out.WriteLine($"savecore would upload: {s3.TrimEnd('/')}/YYYYmmddHHMM/dmesg.YYYYmmddHHMM and " +
                               $"dump.YYYYmmddHHMM.flat (makedumpfile -F {c.MakedumpArgs}, multipart)");
        else
        {
            string where = c.Nfs is null ? Path.Combine(c.CoreDir, "YYYYmmddHHMM") : $"{c.Nfs}/YYYYmmddHHMM (the export mounted on {c.CoreDir})";
            host.Out.WriteLine($"savecore would write: {where}" +
                $"/dmesg.YYYYmmddHHMM and dump.YYYYmmddHHMM (makedumpfile {c.MakedumpArgs})" +
                               (c.NumDumps > 0 && c.Nfs is null ? $", keeping the newest {c.NumDumps}" : ""));
        }
        var health = HealthCheck.Run(plan, host, runner, census: true);
        foreach (var i in health.Items.Where(i => i.Ok))
            host.Out.WriteLine($"ok: {i.Name}: {i.Detail}");
        var problems = health.Problems.ToList();
        foreach (var p in problems)
            host.Err.WriteLine($"kdump: {p.Detail}");
        host.Out.WriteLine(problems.Count == 0 ? "kdump test: ready (nothing was loaded or crashed)" : $"kdump test: {problems.Count} problem(s)");
        return problems.Count == 0 ? Ok : Failed;
    }

    /// <summary>
    /// Whether a crash kernel is loaded and the checks of test (without the page census, which reads all of
    /// memory): exit 0 loaded and no problem, 1 loaded with problems, 3 not loaded.
    /// </summary>
    private static int Status(KdumpPlan plan, KexecHost host, ProgramRunner runner, bool json)
    {
        var health = HealthCheck.Run(plan, host, runner, census: false);
        var problems = health.Problems.ToList();
        int rc = host.CrashLoaded != true ? NotReady : problems.Count == 0 ? Ok : Failed;
        if (json)
        {
            host.Out.WriteLine(EstimateReport.Json(j =>
            {
                j.WriteStartObject();
                j.WriteString("state", host.CrashLoaded switch { true => "ready", false => "not-ready", null => "unknown" });
                j.WriteBoolean("loaded", host.CrashLoaded == true);
                j.WriteNumber("exit", rc);
                j.WriteStartArray("problems");
                foreach (var p in problems) j.WriteStringValue(p.Detail);
                j.WriteEndArray();
                health.WriteJson(j);
                j.WriteEndObject();
            }));
            return rc;
        }
        host.Out.WriteLine($"current state   : {State(host)}");
        foreach (var i in health.Items)
            host.Out.WriteLine($"{(i.Ok ? "ok" : "PROBLEM"),-7} {i.Name,-18}: {i.Detail}");
        return rc;
    }
}
