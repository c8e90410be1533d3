using FdHandoff.Client.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FdHandoff.Tests.Unit;

/// <summary>What UseFdHandoff hands its services: the options it decided with, whole, and only keys it knows.</summary>
public sealed class FdHandoffOptionsRegistrationTests
{
    [Fact]
    public void The_services_get_the_very_options_instance_UseFdHandoff_decided_with()
    {
        var options = new FdHandoffOptions { WarmUp = ["/health"], ShutdownReserve = TimeSpan.FromSeconds(3) };
        var services = new ServiceCollection().AddOptions();

        FdHandoffWebApplicationBuilderExtensions.AddOptions(services, options);

        using var provider = services.BuildServiceProvider();
        Assert.Same(options, provider.GetRequiredService<IOptions<FdHandoffOptions>>().Value);
    }

    [Fact]
    public void The_FdHandoffWorker_keys_override_what_code_set()
    {
        var options = new FdHandoffOptions { WarmUp = ["/from-code"], WarmUpTimeout = TimeSpan.FromSeconds(3) };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FdHandoffWorker:WarmUp"] = "/a, /b",
            ["FdHandoffWorker:WarmUpTimeout"] = "00:00:20",
        }).Build();

        FdHandoffWorkerSettings.Apply(configuration, options);

        Assert.Equal(["/a", "/b"], options.WarmUp);
        Assert.Equal(TimeSpan.FromSeconds(20), options.WarmUpTimeout);
    }

    [Fact]
    public void An_unknown_FdHandoffWorker_key_is_one_line_naming_the_keys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["FdHandoffWorker:WarmUpTimout"] = "00:00:20" }).Build();

        var e = Assert.Throws<FdHandoffConfigurationException>(() => FdHandoffWorkerSettings.Apply(configuration, new FdHandoffOptions()));

        Assert.Equal("FdHandoffWorker:WarmUpTimout is not a setting: the keys of FdHandoffWorker are WarmUp, WarmUpTimeout", e.Message);
    }
}
