package dev.secateur.bench.cli;

import dev.secateur.datasets.Augmentation;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.TrainingInfo;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.optim.Adam;
import dev.secateur.nn.optim.LearningRateSchedule;
import dev.secateur.nn.optim.Optimizer;
import dev.secateur.nn.optim.Sgd;
import dev.secateur.nn.train.EpochResult;
import dev.secateur.nn.train.Evaluation;
import dev.secateur.nn.train.Trainer;
import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Workers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code secateur train}: trains a zoo model on Fashion-MNIST (or CIFAR-10) and saves it. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model from the zoo and save it as a safetensors model file.")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "lenet300, lenet5, vgg, resnet8, resnet14")
    String model;
    @Option(names = "--epochs", defaultValue = "10", description = "training epochs (default ${DEFAULT-VALUE})") int epochs;
    @Option(names = "--out", required = true, description = "output model file (.safetensors)") Path out;
    @picocli.CommandLine.Mixin DataOption data;
    @Option(names = "--seed", defaultValue = "1", description = "initialization and shuffling seed (default ${DEFAULT-VALUE})") long seed;
    @Option(names = "--batch", defaultValue = "64", description = "batch size (default ${DEFAULT-VALUE})") int batch;
    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd (Nesterov momentum) or adam (default ${DEFAULT-VALUE})") String optimizer;
    @Option(names = "--lr", description = "peak learning rate (default 0.05 for sgd, 0.001 for adam)") Double lr;
    @Option(names = "--momentum", defaultValue = "0.9", description = "sgd momentum, in [0, 1) (default ${DEFAULT-VALUE})") double momentum;
    @Option(names = "--weight-decay", defaultValue = "5e-4", description = "L2 weight decay (default ${DEFAULT-VALUE})") double weightDecay;
    @Option(names = "--schedule", defaultValue = "cosine", description = "cosine (with --warmup epochs), step (x0.1 every --step epochs) or constant (default ${DEFAULT-VALUE})")
    String schedule;
    @Option(names = "--warmup", defaultValue = "0", description = "linear warm-up epochs of the cosine schedule (default ${DEFAULT-VALUE})") double warmup;
    @Option(names = "--step", defaultValue = "10", description = "step schedule: epochs between x0.1 decays (default ${DEFAULT-VALUE})") int step;
    @Option(names = "--augment", description = "random shifts of up to N pixels (0 = none) (default ${DEFAULT-VALUE})", defaultValue = "0") int augment;
    @Option(names = "--flip", description = "random horizontal flips") boolean flip;
    @Option(names = "--threads", description = "worker threads (default: all processors)") Integer threads;
    @Option(names = "--json", description = "write the result as JSON to this file") Path json;
    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::train);
    }

    private Integer train() throws Exception {
        String dataset = data.dataset == null ? "fashion-mnist" : data.dataset;
        data.check();
        Shape input = dataset.equals("cifar10") ? Models.CIFAR10 : Models.FASHION_MNIST;
        if (epochs < 1 || epochs > 10_000) throw new IllegalArgumentException("--epochs must be in [1, 10000], got " + epochs);
        if (batch < 1 || batch > 65_536) throw new IllegalArgumentException("--batch must be in [1, 65536], got " + batch);
        if (!(warmup >= 0 && warmup < epochs)) throw new IllegalArgumentException("--warmup must be in [0, --epochs), got " + warmup);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
        if (!(weightDecay >= 0 && weightDecay < 1)) throw new IllegalArgumentException("--weight-decay must be in [0, 1), got " + weightDecay);
        if (lr != null && !(lr > 0 && lr <= 10)) throw new IllegalArgumentException("--lr must be in (0, 10], got " + lr);
        if (step < 1) throw new IllegalArgumentException("--step must be >= 1, got " + step);
        if (augment < 0 || augment > 8) throw new IllegalArgumentException("--augment must be in [0, 8], got " + augment);
        if (threads != null && (threads < 1 || threads > 1024)) throw new IllegalArgumentException("--threads must be in [1, 1024], got " + threads);
        if (!List.of("sgd", "adam").contains(optimizer)) throw new IllegalArgumentException("unknown --optimizer '" + optimizer + "' (sgd or adam)");
        if (!List.of("cosine", "step", "constant").contains(schedule)) throw new IllegalArgumentException("unknown --schedule '" + schedule + "' (cosine, step or constant)");
        OutputCheck.writable(out, "--out");
        OutputCheck.writable(json, "--json");
        TrainTest tt = data.load(input, System.out);
        Model m = Models.byName(model, input, seed);
        double peak = lr != null ? lr : optimizer.equals("adam") ? 1e-3 : 0.05;
        Optimizer opt = switch (optimizer) {
            case "sgd" -> new Sgd(peak, momentum, weightDecay, momentum > 0);
            case "adam" -> new Adam(peak, 0.9, 0.999, 1e-8, weightDecay, true);
            default -> throw new IllegalArgumentException("unknown --optimizer '" + optimizer + "' (sgd or adam)");
        };
        LearningRateSchedule sched = switch (schedule) {
            case "cosine" -> LearningRateSchedule.cosine(peak, 0, epochs, warmup);
            case "step" -> LearningRateSchedule.step(peak, step, 0.1);
            case "constant" -> LearningRateSchedule.constant(peak);
            default -> throw new IllegalArgumentException("unknown --schedule '" + schedule + "' (cosine, step or constant)");
        };
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        System.out.printf("model: %s, %,d parameters; %d epochs, batch %d, %s lr %.4g (%s), seed %d, %d threads%n", model,
                m.parameterCount(), epochs, batch, optimizer, peak, schedule, seed, nThreads);
        Augmentation aug = null;
        if (augment > 0) aug = Augmentation.randomCrop(augment);
        if (flip) aug = aug == null ? Augmentation.horizontalFlip() : aug.andThen(Augmentation.horizontalFlip());
        long start = System.nanoTime();
        List<EpochResult> results;
        try (Workers w = Workers.of(nThreads)) {
            results = new Trainer(m, opt, sched, epochs, batch, seed).workers(w).augmentation(aug)
                    .listener(new ProgressBar(System.err)).fit(tt.train(), tt.test());
            m.useWorkers(Workers.single());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation test = results.getLast().test();
        String command = "secateur train " + String.join(" ", commandLine());
        TrainingInfo info = new TrainingInfo(tt.source(), epochs, batch, seed, optimizer + " lr=" + peak + " " + schedule
                + " wd=" + weightDecay + (augment > 0 ? " shift=" + augment : "") + (flip ? " flip" : ""),
                test.accuracy(), test.loss(), seconds, command);
        ModelFile.save(m, out, info);
        double perEpoch = results.stream().mapToDouble(EpochResult::trainSeconds).average().orElse(0);
        System.out.printf("test accuracy %.2f%%, loss %.4f; %.1f s total, %.1f s/epoch training; saved %s%n", 100 * test.accuracy(),
                test.loss(), seconds, perEpoch, out);
        if (json != null) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", model);
            j.put("dataset", tt.source());
            j.put("sample", tt.isSample());
            j.put("test_accuracy", test.accuracy());
            j.put("test_loss", test.loss());
            j.put("params", m.parameterCount());
            j.put("epochs", epochs);
            j.put("threads", nThreads);
            j.put("seconds", seconds);
            j.put("seconds_per_epoch", perEpoch);
            j.put("out", out.toString());
            List<Map<String, Object>> epochRows = new java.util.ArrayList<>();
            for (EpochResult r : results) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("epoch", r.epoch() + 1);
                e.put("train_loss", r.trainLoss());
                e.put("train_accuracy", r.trainAccuracy());
                e.put("test_accuracy", r.test().accuracy());
                e.put("seconds", r.trainSeconds());
                epochRows.add(e);
            }
            j.put("per_epoch", epochRows);
            Json.writeFile(json, j);
        }
        return 0;
    }

    private List<String> commandLine() {
        List<String> a = new java.util.ArrayList<>(List.of("--model", model, "--epochs", "" + epochs, "--out", out.toString()));
        if (data.dir != null) a.addAll(List.of("--data", data.dir.toString()));
        if (data.dataset != null && !data.dataset.equals("fashion-mnist")) a.addAll(List.of("--dataset", data.dataset));
        a.addAll(List.of("--seed", "" + seed, "--batch", "" + batch, "--optimizer", optimizer));
        if (lr != null) a.addAll(List.of("--lr", "" + lr));
        a.addAll(List.of("--momentum", "" + momentum, "--weight-decay", "" + weightDecay, "--schedule", schedule));
        if (warmup > 0) a.addAll(List.of("--warmup", "" + warmup));
        if (schedule.equals("step")) a.addAll(List.of("--step", "" + step));
        if (augment > 0) a.addAll(List.of("--augment", "" + augment));
        if (flip) a.add("--flip");
        if (threads != null) a.addAll(List.of("--threads", "" + threads));
        return a;
    }
}
