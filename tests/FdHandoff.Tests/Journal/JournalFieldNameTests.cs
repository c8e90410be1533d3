using FdHandoff.Logging;

namespace FdHandoff.Tests.Journal;

public sealed class JournalFieldNameTests
{
    [Theory]
    [InlineData("WorkerPid", "WORKER_PID")]
    [InlineData("Generation", "GENERATION")]
    [InlineData("workerPid", "WORKER_PID")]
    [InlineData("SourceContext", "SOURCE_CONTEXT")]
    [InlineData("HTTPStatus", "HTTP_STATUS")]
    [InlineData("Ipv6Address", "IPV6_ADDRESS")]
    [InlineData("X509Cert", "X509_CERT")]
    [InlineData("Tcp4", "TCP4")]
    [InlineData("WORKER_PID", "WORKER_PID")]
    [InlineData("listener.address", "LISTENER_ADDRESS")]
    [InlineData("drain-ms", "DRAIN_MS")]
    [InlineData("_Private", "PRIVATE")]
    [InlineData("__x__", "X")]
    [InlineData("1stTry", "F1ST_TRY")]
    [InlineData("Größe", "GR_E")]
    public void Property_names_become_upper_snake_field_names(string property, string field) =>
        Assert.Equal(field, JournalFieldName.FromPropertyName(property));

    [Theory]
    [InlineData("")]
    [InlineData("__")]
    [InlineData("→")]
    public void Names_with_nothing_usable_left_give_no_field(string property) =>
        Assert.Null(JournalFieldName.FromPropertyName(property));

    [Fact]
    public void Field_names_are_cut_at_64_characters()
    {
        var field = JournalFieldName.FromPropertyName(string.Concat(Enumerable.Repeat("Segment", 20)));

        Assert.NotNull(field);
        Assert.Equal(JournalFieldName.MaxLength, field.Length);
        Assert.True(JournalFieldName.IsValid(field));
    }

    [Theory]
    [InlineData("MESSAGE", true)]
    [InlineData("WORKER_PID", true)]
    [InlineData("_PID", false)]
    [InlineData("1ST", false)]
    [InlineData("Message", false)]
    [InlineData("A-B", false)]
    [InlineData("", false)]
    public void Validity_follows_journald_rules(string name, bool valid) =>
        Assert.Equal(valid, JournalFieldName.IsValid(name));
}
