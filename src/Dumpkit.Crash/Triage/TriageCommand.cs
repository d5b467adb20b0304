// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dumpkit.Crash.Triage;

/// <summary>
/// <c>dumpkit crash --triage VMCORE...</c>: one JSON object a line per dump (see the README's schema); a dump
/// that cannot be opened gets <c>{"dump": PATH, "error": "..."}</c> and the others go on. Exit status 0 when
/// every dump was analysed, 1 when one failed, 2 on a usage error.
/// </summary>
internal static class TriageCommand
{
    public const string UsageText = "Usage:\n  crash --triage VMCORE...";

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><paramref name="args"/>: the arguments after <c>--triage</c>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var dumps = new List<string>();
        bool options = true;
        foreach (var a in args)
        {
            if (options && a == "--")
                options = false;
            else if (options && a.StartsWith('-') && a.Length > 1)
            {
                error.WriteLine($"crash: --triage: invalid option -- '{a.TrimStart('-')}'");
                error.WriteLine(UsageText);
                return 2;
            }
            else
                dumps.Add(a);
        }
        if (dumps.Count == 0)
        {
            error.WriteLine(UsageText);
            return 2;
        }
        int status = 0;
        foreach (var set in SplitSets.Group(dumps))
        {
            var line = Analyse(set, out bool ok);
            output.WriteLine(line);
            output.Flush();
            if (!ok) status = 1;
        }
        return status;
    }

    /// <summary>One dump's JSON line; <paramref name="ok"/> false when it is an error object.</summary>
    internal static string Analyse(string dump, out bool ok) => Analyse([dump], out ok);

    /// <summary>One dump's JSON line, the dump being one file or the parts of a split set.</summary>
    internal static string Analyse(IReadOnlyList<string> parts, out bool ok)
    {
        string failure;
        string dump = parts[0];
        try
        {
            using var session = CrashCommand.Open(parts, null, TextWriter.Null);
            var report = TriageReport.Analyse(session);
            ok = true;
            return Json(w => report.Write(w, parts));
        }
        catch (Exception e) when (CrashCommand.IsOpenFailure(e))
        {
            failure = CrashCommand.OpenFailure(e, dump);
        }
        catch (CommandException e)
        {
            failure = e.Message;
        }
        catch (Exception)
        {
            // no .NET message reaches the user (NativeAOT strips them)
            failure = $"crash: {dump}: the dump cannot be analysed";
        }
        ok = false;
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("dump", dump);
            if (parts.Count > 1)
            {
                w.WriteStartArray("parts");
                foreach (var p in parts) w.WriteStringValue(p);
                w.WriteEndArray();
            }
            w.WriteString("error", failure.ReplaceLineEndings(" ").Trim());
            w.WriteEndObject();
        });
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
            write(w);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
