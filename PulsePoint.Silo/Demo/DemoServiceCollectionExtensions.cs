namespace PulsePoint.Silo.Demo;

public static class DemoServiceCollectionExtensions
{
    /// <summary>Registers the demo traffic generator when <c>PulsePoint:Demo:Enabled</c> is true.</summary>
    public static IServiceCollection AddPulsePointDemo(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DemoOptions>(configuration.GetSection(DemoOptions.Section));
        if (configuration.GetValue<bool>($"{DemoOptions.Section}:Enabled"))
        {
            services.AddHostedService<DemoTraffic>();
        }

        return services;
    }
}
