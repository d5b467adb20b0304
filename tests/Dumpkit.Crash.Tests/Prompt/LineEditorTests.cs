// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Crash.Prompt;

namespace Dumpkit.Crash.Tests.Prompt;

/// <summary>The line editor in process: keystrokes (as a terminal in raw mode sends them) in, the lines it returns out.</summary>
public class LineEditorTests
{
    private static (List<string?> Lines, string Screen) Type(string keys, CommandHistory? history = null, int lines = 1)
    {
        var bytes = Encoding.Latin1.GetBytes(keys);
        int at = 0;
        var screen = new StringWriter();
        var editor = new LineEditor(() => at < bytes.Length ? bytes[at++] : -1, screen, history ?? new CommandHistory(null));
        var got = new List<string?>();
        for (int i = 0; i < lines; i++)
            got.Add(editor.ReadLine("crash> "));
        return (got, screen.ToString());
    }

    [Theory]
    [InlineData("sym panic\r", "sym panic")]
    [InlineData("sym panc\x1b[Di\r", "sym panic")]              // left arrow, insert
    [InlineData("ym panic\x01s\r", "sym panic")]                // Ctrl-A, insert at the start
    [InlineData("ym panic\x1b[Hs\r", "sym panic")]              // Home (xterm)
    [InlineData("ym panic\x1b[1~s\x1b[4~!\r", "sym panic!")]     // Home, End (linux console)
    [InlineData("sym panicc\x7f\r", "sym panic")]               // backspace
    [InlineData("sym ppanic\x01\x1b[C\x1b[C\x1b[C\x1b[C\x1b[3~\r", "sym panic")] // right x4, Delete
    [InlineData("sym ppanic\x01\x06\x06\x06\x06\x04\r", "sym panic")]             // Ctrl-F x4, Ctrl-D deletes
    [InlineData("rubbish\x15sym panic\r", "sym panic")]         // Ctrl-U
    [InlineData("sym panic rubbish\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x0b\r", "sym panic")] // Ctrl-K
    [InlineData("sym one two  \x17\x17panic\r", "sym panic")]   // Ctrl-W twice
    [InlineData("sym\x02\x02\x02\x02\x02\x05 panic\r", "sym panic")] // Ctrl-B beyond the start, Ctrl-E
    [InlineData("a\x1bOHb\x1bOF!\r", "ba!")]                    // Home/End in keypad (SS3) form
    public void KeysEditTheLine(string keys, string expected) => Assert.Equal(expected, Type(keys).Lines[0]);

    [Fact]
    public void CtrlCDropsTheLineForAFreshPrompt()
    {
        var (lines, screen) = Type("rubbish\x03sym panic\r");
        Assert.Equal("sym panic", lines[0]);
        Assert.Contains("rubbish\x1b[K^C\n", screen, StringComparison.Ordinal);
        Assert.Equal(2, screen.Split("\ncrash> ").Length);
    }

    [Fact]
    public void CtrlDOnAnEmptyLineEndsTheInputAndOtherwiseDeletes()
    {
        Assert.Equal([null], Type("\x04").Lines);
        Assert.Equal(["ab"], Type("abc\x02\x04\r").Lines);
        Assert.Equal([null], Type("").Lines); // end of input
        Assert.Equal(["partial"], Type("partial").Lines); // end of input after text: the text is the line
    }

    [Fact]
    public void UpAndDownWalkTheHistoryAndKeepTheLineBeingTyped()
    {
        var h = new CommandHistory(null);
        var (lines, _) = Type("sym panic\rbt\r\x1b[A\x1b[A\r" + "half\x1b[A\x1b[B\x1b[B\x1b[B\r", h, 4);
        Assert.Equal(["sym panic", "bt", "sym panic", "half"], lines);
        var (more, _) = Type("\x10\x10\x10\x10\x0e\r", h);
        // history now: sym panic, bt, sym panic, half; four ups reach the first, one down the second
        Assert.Equal("bt", more[0]);
    }

    [Fact]
    public void BlankLinesAndRepeatsStayOutOfTheHistory()
    {
        var h = new CommandHistory(null);
        Type("ps\rps\r  \r\rlog\r", h, 5);
        Assert.Equal(["ps", "log"], Enumerable.Range(0, h.Count).Select(i => h[i]));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void TheHistoryFileIsPrivateBoundedAndReadBack()
    {
        var dir = Directory.CreateTempSubdirectory("dumpkit-hist-");
        try
        {
            var path = Path.Combine(dir.FullName, "h");
            var h = new CommandHistory(path);
            for (int i = 0; i < CommandHistory.MaxLines + 5; i++)
                h.Add($"rd {i}");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            var again = new CommandHistory(path);
            Assert.Equal(CommandHistory.MaxLines, again.Count);
            Assert.Equal("rd 5", again[0]);
            Assert.Equal($"rd {CommandHistory.MaxLines + 4}", again[again.Count - 1]);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void AnEndlessLineStopsGrowing()
    {
        var (lines, _) = Type(new string('x', LineEditor.MaxLine + 100) + "\r");
        Assert.Equal(LineEditor.MaxLine, lines[0]!.Length);
    }
}
