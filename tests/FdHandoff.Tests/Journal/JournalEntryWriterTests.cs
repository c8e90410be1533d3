using System.Text;
using FdHandoff.Logging;

namespace FdHandoff.Tests.Journal;

public sealed class JournalEntryWriterTests
{
    [Fact]
    public void Simple_values_are_written_as_name_equals_value_lines()
    {
        var writer = new JournalEntryWriter();
        writer.WriteField("MESSAGE", "hello world");
        writer.WriteField("PRIORITY", 6);

        Assert.Equal("MESSAGE=hello world\nPRIORITY=6\n", Encoding.UTF8.GetString(writer.WrittenSpan));
    }

    [Fact]
    public void Values_with_newlines_use_the_binary_form()
    {
        var writer = new JournalEntryWriter();
        writer.WriteField("MESSAGE", "a\nb");

        byte[] expected = [.. "MESSAGE\n"u8, 3, 0, 0, 0, 0, 0, 0, 0, .. "a\nb\n"u8];
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void The_binary_length_counts_utf8_bytes_not_characters()
    {
        var writer = new JournalEntryWriter();
        writer.WriteField("MESSAGE", "ü\n");

        var entry = JournalFields.Parse(writer.WrittenSpan);
        Assert.Equal("ü\n", entry["MESSAGE"]);
        Assert.Equal(3, writer.WrittenSpan["MESSAGE\n".Length]);
    }

    [Fact]
    public void Reset_starts_a_new_entry()
    {
        var writer = new JournalEntryWriter();
        writer.WriteField("A", "1");
        writer.Reset();
        writer.WriteField("B", "");

        Assert.Equal("B=\n", Encoding.UTF8.GetString(writer.WrittenSpan));
    }
}
