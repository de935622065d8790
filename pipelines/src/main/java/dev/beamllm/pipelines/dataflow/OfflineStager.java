package dev.beamllm.pipelines.dataflow;

import com.google.api.services.dataflow.model.DataflowPackage;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import org.apache.beam.runners.dataflow.util.PackageUtil.StagedFile;
import org.apache.beam.runners.dataflow.util.Stager;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A {@link Stager} that uploads nothing: it names each file where the Dataflow runner's {@code
 * GcsStager} would put it under {@code --stagingLocation} and counts what would be sent, so the
 * runner translates a job offline. Chosen with {@code --stagerClass} by the dry run only.
 */
public final class OfflineStager implements Stager {
  private final String stagingLocation;
  private final List<String> staged = new ArrayList<>();
  private final Map<String, byte[]> generated = new LinkedHashMap<>();
  private long bytes;

  private OfflineStager(String stagingLocation) {
    this.stagingLocation = stagingLocation.endsWith("/") ? stagingLocation : stagingLocation + "/";
  }

  /** The factory method Beam's {@code StagerFactory} calls. */
  public static OfflineStager fromOptions(PipelineOptions options) {
    return new OfflineStager(options.as(DataflowPipelineOptions.class).getStagingLocation());
  }

  @Override
  public synchronized List<DataflowPackage> stageFiles(List<StagedFile> files) {
    List<DataflowPackage> out = new ArrayList<>();
    for (StagedFile f : files) {
      bytes += new File(f.getSource()).length();
      staged.add(f.getDestination());
      out.add(
          new DataflowPackage()
              .setName(f.getDestination())
              .setLocation(stagingLocation + f.getDestination()));
    }
    return out;
  }

  @Override
  public synchronized DataflowPackage stageToFile(byte[] contents, String name) {
    bytes += contents.length;
    staged.add(name);
    generated.put(name, contents.clone());
    return new DataflowPackage().setName(name).setLocation(stagingLocation + name);
  }

  /** How many files a submission would upload. */
  synchronized int files() {
    return staged.size();
  }

  /** How many bytes they hold. */
  synchronized long bytes() {
    return bytes;
  }

  /** The files the runner generated (the pipeline's proto...), by name: searched for secrets. */
  synchronized Map<String, byte[]> generated() {
    return new LinkedHashMap<>(generated);
  }

  /** Where they would go. */
  String location() {
    return stagingLocation;
  }
}
