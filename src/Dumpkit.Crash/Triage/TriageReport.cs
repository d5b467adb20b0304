// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text.Json;
using Dumpkit.Crash.Commands;
using Dumpkit.Formats;
using Dumpkit.Kernel;

namespace Dumpkit.Crash.Triage;

/// <summary>
/// What <c>--triage</c> tells of one dump, each part read by the session's own commands' code (sys's release
/// and panic message, bt's panic task and frames, mod's module list); a part that cannot be read is null.
/// </summary>
internal sealed class TriageReport
{
    public string? Release { get; private init; }
    public string? Panic { get; private init; }
    public int? Cpu { get; private init; }
    public int? Pid { get; private init; }
    public string? Comm { get; private init; }
    public ulong? Task { get; private init; }
    public List<string>? Backtrace { get; private init; }
    public ulong? TaintMask { get; private init; }
    public List<string>? Modules { get; private init; }

    public static TriageReport Analyse(CrashSession s)
    {
        var uts = Try(() => SysCommand.Utsname(s));
        var panic = Try(() => SysCommand.PanicMessage(s));
        var ctx = Try(() => BtContext.Of(s));
        var task = ctx is null ? null : Try(() => ctx.PanicTask() is ulong t ? new[] { ctx.TaskList.Task(t) } : null)?[0];
        return new TriageReport
        {
            Release = uts?[2] ?? s.Info.OsRelease,
            Panic = string.IsNullOrEmpty(panic) ? null : panic,
            Cpu = task is { } c ? ctx!.CpuOf(c.Address) : null,
            Pid = task?.Pid,
            Comm = task?.Comm,
            Task = task?.Address,
            Backtrace = task is { } b ? Try(() => BtCommand.FrameNames(s, ctx!, b)) : null,
            TaintMask = s.Symbols.AddressOf("tainted_mask") is ulong at && s.Memory.TryReadU64(at, out ulong mask) ? mask : null,
            Modules = Try(() => s.Modules.Modules.Select(m => m.Name).ToList()),
        };
    }

    /// <summary>The value, or null when the dump does not let it be read.</summary>
    private static T? Try<T>(Func<T?> read) where T : class
    {
        try { return read(); }
        catch (Exception e) when (e is CommandException or KernelDataException or KernelAddressException or PageNotAvailableException)
        {
            return null;
        }
    }

    /// <summary>The JSON object of the README's schema (members in that order).</summary>
    public void Write(Utf8JsonWriter w, string dump) => Write(w, [dump]);

    /// <summary>The object; <paramref name="dumps"/>: the dump file, or the parts of a split set (then also <c>parts</c>).</summary>
    public void Write(Utf8JsonWriter w, IReadOnlyList<string> dumps)
    {
        w.WriteStartObject();
        w.WriteString("dump", dumps[0]);
        if (dumps.Count > 1)
            WriteArray(w, "parts", [.. dumps]);
        w.WriteString("release", Release);
        w.WriteString("panic", Panic);
        WriteNumber(w, "cpu", Cpu);
        WriteNumber(w, "pid", Pid);
        w.WriteString("comm", Comm);
        w.WriteString("task", Task is ulong t ? t.ToString("x", System.Globalization.CultureInfo.InvariantCulture) : null);
        WriteArray(w, "backtrace", Backtrace);
        w.WriteString("taint", TaintMask is ulong m ? TaintFlags.Format(m) : null);
        if (TaintMask is ulong mask) w.WriteNumber("taint_mask", mask);
        else w.WriteNull("taint_mask");
        WriteArray(w, "modules", Modules);
        WriteArray(w, "signature_frames", Backtrace is null ? null : TriageSignature.Frames(Backtrace));
        w.WriteString("signature", Backtrace is null ? null : TriageSignature.Of(Backtrace));
        w.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, int? value)
    {
        if (value is int v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private static void WriteArray(Utf8JsonWriter w, string name, List<string>? values)
    {
        if (values is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartArray(name);
        foreach (var v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
