using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PulsePoint.Brands;

/// <summary>Registers what the brand grains need.</summary>
public static class BrandSiloBuilderExtensions
{
    /// <summary>Binds and validates <see cref="BrandOptions"/> (section <c>PulsePoint:Brands</c>) and adds the silo's brand query gate.</summary>
    public static ISiloBuilder AddPulsePointBrands(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddOptions<BrandOptions>().Bind(configuration.GetSection(BrandOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddSingleton<BrandQueryGate>();
        return silo;
    }
}
