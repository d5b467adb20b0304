// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;

namespace Dumpkit.Crash.Prompt;

/// <summary>
/// The prompt's history: lines entered (not blank, not a repeat of the one before), the last
/// <see cref="MaxLines"/> of them kept in a file (<c>~/.dumpkit_crash_history</c>, created 0600),
/// read at the start and appended to as each line is entered. A file that cannot be read or written
/// leaves the history to this session, silently.
/// </summary>
internal sealed class CommandHistory
{
    public const int MaxLines = 1000;
    private const int MaxFileBytes = 1 << 20;

    private readonly List<string> _lines = [];
    private readonly string? _path;

    public CommandHistory(string? path)
    {
        _path = path;
        if (path is null)
            return;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > MaxFileBytes)
                return;
            foreach (var l in File.ReadAllText(path, Encoding.UTF8).Split('\n'))
                if (l.Length > 0 && l.Length <= LineEditor.MaxLine)
                    _lines.Add(l);
            if (_lines.Count > MaxLines)
                _lines.RemoveRange(0, _lines.Count - MaxLines);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The history file in the home directory, or null without HOME.</summary>
    public static string? DefaultPath() =>
        Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? Path.Combine(home, ".dumpkit_crash_history") : null;

    public int Count => _lines.Count;
    public string this[int index] => _lines[index];

    public void Add(string line)
    {
        if (string.IsNullOrWhiteSpace(line) || (_lines.Count > 0 && _lines[^1] == line))
            return;
        _lines.Add(line);
        bool trim = _lines.Count > MaxLines;
        if (trim)
            _lines.RemoveAt(0);
        if (_path is null)
            return;
        try
        {
            var options = new FileStreamOptions { Mode = trim ? FileMode.Create : FileMode.Append, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var f = new FileStream(_path, options);
            var text = trim ? string.Join('\n', _lines) + "\n" : line + "\n";
            f.Write(Encoding.UTF8.GetBytes(text));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
