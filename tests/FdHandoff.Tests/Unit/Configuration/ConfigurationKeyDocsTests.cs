using System.Text.RegularExpressions;
using FdHandoff.Supervisor.Cli;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Unit.Configuration;

/// <summary>
/// The prose about the keys cannot drift from their definitions: <c>--help</c> lists every key, the README's key
/// table is the one generated from the definitions, and every docs table that gives a key's default gives the real one.
/// </summary>
public sealed class ConfigurationKeyDocsTests
{
    private const string Begin = "<!-- configuration keys: generated from SupervisorSettings.Keys; ConfigurationKeyDocsTests checks it -->";
    private const string End = "<!-- end of configuration keys -->";

    [Fact]
    public void Help_lists_every_key_with_its_default()
    {
        foreach (var key in SupervisorSettings.Keys)
        {
            var line = Assert.Single(HelpText.Configuration.Split('\n'), l => Regex.IsMatch(l, $@"^  {Regex.Escape(key.Shown)}( \*)? "));
            if (key.DefaultShown is { } shown) Assert.Contains($"(default {shown.Split('\n')[0]}", HelpText.Configuration);
            Assert.Equal(key.StartOnly, line.Contains(key.Shown + " *"));
        }
    }

    [Fact]
    public void The_READMEs_key_table_is_the_one_the_definitions_give()
    {
        string file = Path.Combine(Binaries.Repository, "README.md");
        string readme = File.ReadAllText(file);
        int begin = readme.IndexOf(Begin, StringComparison.Ordinal), end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md has no block between '{Begin}' and '{End}'");
        string expected = Begin + "\n" + Table() + End;
        string actual = readme[begin..(end + End.Length)];
        if (actual != expected && Environment.GetEnvironmentVariable("FDHANDOFF_WRITE_DOCS") == "1")
            File.WriteAllText(file, readme.Replace(actual, expected));
        else
            Assert.True(actual == expected, $"README.md's key table is not the one SupervisorSettings.Keys gives: run this test with FDHANDOFF_WRITE_DOCS=1 to write it, or put in:\n{expected}");
    }

    [Fact]
    public void Every_docs_table_that_gives_a_keys_default_gives_the_real_one()
    {
        var files = Directory.GetFiles(Path.Combine(Binaries.Repository, "docs"), "*.md").Append(Path.Combine(Binaries.Repository, "README.md"));
        int checkedRows = 0;
        foreach (string file in files)
        {
            int defaultColumn = -1;
            foreach (string line in File.ReadLines(file))
            {
                if (!line.StartsWith('|')) { defaultColumn = -1; continue; }
                var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToList();
                if (defaultColumn < 0) { defaultColumn = cells.IndexOf("default"); continue; }
                var key = SupervisorSettings.Keys.FirstOrDefault(k => cells[0] == $"`{k.Shown}`" || cells[0] == $"`{k.Path}`");
                if (key is null || defaultColumn >= cells.Count) continue;
                Assert.True(cells[defaultColumn] == DefaultCell(key), $"{Path.GetFileName(file)}: the default of {key.Path} is given as {cells[defaultColumn]}; it is {DefaultCell(key)}");
                checkedRows++;
            }
        }
        Assert.True(checkedRows >= SupervisorSettings.Keys.Count, "fewer rows checked than there are keys: the README's table was not found");
    }

    [Fact]
    public void The_reload_page_lists_exactly_the_keys_read_only_at_start()
    {
        string page = File.ReadAllText(Path.Combine(Binaries.Repository, "docs", "reload.md"));
        int start = page.IndexOf("- **Only at start**", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/reload.md has no '- **Only at start**' item");
        int end = page.IndexOf("\n- ", start + 1, StringComparison.Ordinal);
        var named = Regex.Matches(page[start..end], "`([A-Za-z:]+)`").Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Equal(SupervisorSettings.Keys.Where(k => k.StartOnly).Select(k => k.Path).Order(), named.Where(n => SupervisorSettings.Keys.Any(k => k.Path == n)).Order());
    }

    private static string Table()
    {
        var table = new System.Text.StringBuilder("| key | default | at a reload | what |\n|---|---|---|---|\n");
        foreach (var key in SupervisorSettings.Keys)
            table.Append($"| `{key.Shown}` | {DefaultCell(key)} | {(key.StartOnly ? "refused: read only at start" : "applies")} | {key.Help.Replace('\n', ' ')} |\n");
        return table.ToString();
    }

    private static string DefaultCell(SettingKey key) =>
        key.DefaultText is { } words ? words.Replace('\n', ' ') : key.DefaultShown is { } value ? $"`{value}`" : "none";
}
