package io.edgecascade.jetson.tegra;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of {@code tegrastats}, the Jetson's own load report, for example (JetPack 6, Orin Nano):
 * <pre>
 * 08-21-2024 14:17:27 RAM 1960/7620MB (lfb 1x4MB) SWAP 0/3810MB (cached 0MB) CPU [3%@729,1%@729,off,off]
 *   EMC_FREQ 4%@2133 GR3D_FREQ 37%@[305] VIC off APE 200 cpu@47.75C gpu@46.281C tj@47.75C
 *   VDD_IN 4380mW/4380mW VDD_CPU_GPU_CV 483mW/483mW VDD_SOC 1451mW/1451mW
 * </pre>
 * Older releases write the rails without units ({@code VDD_IN 4007/4007}, JetPack 5.0; {@code POM_5V_IN 1894/1894},
 * JetPack 4) and the GPU clock without brackets ({@code GR3D_FREQ 0%@114}); all are milliwatts and MHz.
 *
 * @param ramUsedMb   memory in use (CPU and GPU share it on a Jetson)
 * @param ramTotalMb  memory in all
 * @param cpuLoads    per core, percent; empty for a core that is off
 * @param emcLoad     memory controller (EMC) load, percent, if reported
 * @param emcMhz      memory controller clock, if reported
 * @param gpuLoad     GPU (GR3D) load, percent, if reported
 * @param gpuMhz      GPU clock (the first GPC's on multi-GPC boards), if reported
 * @param temperaturesC sensor name (as tegrastats spells it, e.g. {@code gpu}, {@code tj}, {@code CPU}) to degrees C
 * @param rails       power rail name ({@code VDD_IN}, {@code VDD_CPU_GPU_CV}, {@code POM_5V_GPU}...) to its power
 */
public record TegraSample(long ramUsedMb, long ramTotalMb, List<OptionalDouble> cpuLoads, OptionalDouble emcLoad,
        OptionalDouble emcMhz, OptionalDouble gpuLoad, OptionalDouble gpuMhz, Map<String, Double> temperaturesC,
        Map<String, Rail> rails) {

    /** A power rail's reading: the instant power and tegrastats' running average, both milliwatts. */
    public record Rail(double milliwatts, double averageMilliwatts) {
    }

    private static final Pattern RAM = Pattern.compile("\\bRAM (\\d+)/(\\d+)MB");
    private static final Pattern CPU = Pattern.compile("\\bCPU \\[([^\\]]*)\\]");
    private static final Pattern CORE = Pattern.compile("(\\d+)%(?:@\\d+)?");
    private static final Pattern EMC = Pattern.compile("\\bEMC_FREQ (\\d+)%(?:@(\\d+))?");
    private static final Pattern GPU = Pattern.compile("\\bGR3D_FREQ (\\d+)%(?:@\\[?(\\d+)[\\d,]*\\]?)?");
    private static final Pattern TEMPERATURE = Pattern.compile("(?<=\\s|^)([A-Za-z][A-Za-z0-9_]*)@(-?\\d+(?:\\.\\d+)?)C(?=\\s|$)");
    // a rail is NAME CURRENT/AVERAGE, with or without mW; "RAM 1960/7620MB" and "SWAP 0/3810MB" are not (unit MB)
    private static final Pattern RAIL = Pattern.compile("(?<=\\s|^)([A-Z][A-Z0-9_]*) (\\d+)(?:mW)?/(\\d+)(?:mW)?(?=\\s|$)");

    public TegraSample {
        cpuLoads = List.copyOf(cpuLoads);
        temperaturesC = Map.copyOf(temperaturesC);
        rails = Map.copyOf(rails);
    }

    /**
     * Parses one tegrastats line.
     *
     * @throws IllegalArgumentException when the line has no {@code RAM used/totalMB} field, which every
     *                                  tegrastats release writes: then it is not a tegrastats line
     */
    public static TegraSample parse(String line) {
        Matcher ram = RAM.matcher(line);
        if (!ram.find()) {
            throw new IllegalArgumentException("not a tegrastats line (no RAM field): " + line);
        }
        List<OptionalDouble> cpus = new java.util.ArrayList<>();
        Matcher cpu = CPU.matcher(line);
        if (cpu.find()) {
            for (String core : cpu.group(1).split(",")) {
                Matcher c = CORE.matcher(core.trim());
                cpus.add(c.matches() ? OptionalDouble.of(Double.parseDouble(c.group(1))) : OptionalDouble.empty());
            }
        }
        Matcher emc = EMC.matcher(line);
        boolean hasEmc = emc.find();
        Matcher gpu = GPU.matcher(line);
        boolean hasGpu = gpu.find();
        Map<String, Double> temperatures = new java.util.TreeMap<>();
        Matcher t = TEMPERATURE.matcher(line);
        while (t.find()) {
            temperatures.put(t.group(1), Double.parseDouble(t.group(2)));
        }
        Map<String, Rail> rails = new java.util.TreeMap<>();
        Matcher r = RAIL.matcher(line);
        while (r.find()) {
            rails.put(r.group(1), new Rail(Double.parseDouble(r.group(2)), Double.parseDouble(r.group(3))));
        }
        return new TegraSample(Long.parseLong(ram.group(1)), Long.parseLong(ram.group(2)), cpus,
                hasEmc ? OptionalDouble.of(Double.parseDouble(emc.group(1))) : OptionalDouble.empty(),
                hasEmc && emc.group(2) != null ? OptionalDouble.of(Double.parseDouble(emc.group(2))) : OptionalDouble.empty(),
                hasGpu ? OptionalDouble.of(Double.parseDouble(gpu.group(1))) : OptionalDouble.empty(),
                hasGpu && gpu.group(2) != null ? OptionalDouble.of(Double.parseDouble(gpu.group(2))) : OptionalDouble.empty(),
                temperatures, rails);
    }
}
